import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-cli-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe("memflow-ts", () => {
  test("--help lists the commands and exits 0", async () => {
    const { context, stdout } = testContext({ home: sandbox, cwd: sandbox });
    expect(await runCli(["--help"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toContain("Usage: memflow-ts <command>");
    expect(stdout.text()).toContain("demo");
  });

  test("an unknown command is a usage error on stderr with exit code 2", async () => {
    const { context, stdout, stderr } = testContext({ home: sandbox, cwd: sandbox });
    expect(await runCli(["frobnicate"], context)).toBe(ExitCode.usage);
    expect(stdout.text()).toBe("");
    expect(stderr.text()).toContain("[X] unknown command 'frobnicate'");
  });

  test("demo lists plugin binaries in the user directory and MEMFLOW_PLUGIN_PATH, skipping text files", async () => {
    const home = join(sandbox, "home");
    const userDir = join(home, ".local", "lib", "memflow");
    const extra = join(sandbox, "extra");
    mkdirSync(userDir, { recursive: true });
    mkdirSync(extra);
    writeFileSync(join(userDir, "libmemflow_fake.so"), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
    writeFileSync(join(extra, "notes.so"), "not a library\n");
    writeFileSync(join(extra, "libmemflow_other.dll"), new Uint8Array([0x4d, 0x5a]));

    const { context, stdout } = testContext({
      home,
      cwd: join(sandbox, "missing"),
      env: { MEMFLOW_PLUGIN_PATH: extra },
    });
    expect(await runCli(["demo"], context)).toBe(ExitCode.ok);
    const text = stdout.text();
    expect(text).toContain(`${userDir}  (1 file)`);
    expect(text).toMatch(/binary\s+libmemflow_fake\.so/);
    expect(text).toMatch(/not a binary, skipped\s+notes\.so/);
    expect(text).not.toContain("libmemflow_other.dll");
    expect(text).toContain(`${join(sandbox, "missing")}  (does not exist)`);
    expect(text).toContain("1 plugin binary found.");
  });
});

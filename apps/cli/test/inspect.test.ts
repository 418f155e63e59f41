import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { FIXTURES } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-inspect-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));

function context() {
  return testContext({ home: sandbox, cwd: FIXTURES });
}

describe("memflow-ts inspect", () => {
  test("--json prints the descriptors or the error of each file, in order", async () => {
    const { context: ctx, stdout } = context();
    const files = ["elf/x86_64-gcc.so", "broken/truncated-elf.so", "elf/x86_64-no-descriptor.so", "missing.so"];
    expect(await runCli(["inspect", "--json", ...files], ctx)).toBe(ExitCode.failed);
    const json = JSON.parse(stdout.text());
    expect(json).toEqual([
      { file: "elf/x86_64-gcc.so", descriptors: expected["elf/x86_64-gcc.so"] },
      { file: "broken/truncated-elf.so", error: expect.stringMatching(/^truncated: /) },
      { file: "elf/x86_64-no-descriptor.so", descriptors: [] },
      { file: "missing.so", error: expect.stringContaining("it does not exist") },
    ]);
    for (const entry of json) expect(Object.keys(entry)).toHaveLength(2);
  });

  test("all files readable: exit 0, descriptors in memflow's serde field order", async () => {
    const { context: ctx, stdout } = context();
    expect(await runCli(["inspect", "elf/x86_64-multi.so", "--json"], ctx)).toBe(ExitCode.ok);
    const [entry] = JSON.parse(stdout.text());
    expect(entry.descriptors).toEqual(expected["elf/x86_64-multi.so"]);
    // expected.json is written in memflow's serde field order.
    expect(Object.keys(entry.descriptors[0])).toEqual(Object.keys(expected["elf/x86_64-multi.so"][0]));
  });

  test("text output names each descriptor and flags an ABI memflow 0.2 cannot load", async () => {
    const { context: ctx, stdout, stderr } = context();
    const files = ["elf/x86_64-gcc.so", "elf/x86_64-plugin-version-2.so", "elf/x86_64-no-descriptor.so"];
    expect(await runCli(["inspect", ...files], ctx)).toBe(ExitCode.ok);
    expect(stdout.text()).toBe(
      "elf/x86_64-gcc.so\n" +
        "  connector gcc-x86_64 0.1.0  MEMFLOW_CONNECTOR_GCC_X86_64  elf/x86_64  plugin_version 1\n" +
        "    x86_64 shared object built by gcc and GNU ld\n" +
        "elf/x86_64-plugin-version-2.so\n" +
        "  os plugin-version-2 2.0.0  MEMFLOW_OS_VERSION2  elf/x86_64  plugin_version 2 (memflow 0.2 loads only 1)\n" +
        "    descriptor with plugin_version 2\n" +
        "[-] elf/x86_64-no-descriptor.so: no memflow plugin descriptor (not a memflow plugin)\n",
    );
    expect(stderr.text()).toBe("");
  });

  test("a file that cannot be analysed is an error on stderr and exit code 1", async () => {
    const { context: ctx, stdout, stderr } = context();
    expect(await runCli(["inspect", "broken/empty.so", "--quiet"], ctx)).toBe(ExitCode.failed);
    expect(stdout.text()).toBe("");
    expect(stderr.text()).toBe(
      "[X] broken/empty.so: bad-magic: a file of 0 bytes is not a plugin binary (at file offset 0x0)\n",
    );
  });

  test("paths are relative to the context's working directory", async () => {
    const { context: ctx, stdout } = testContext({ home: sandbox, cwd: join(FIXTURES, "elf") });
    expect(await runCli(["inspect", "--json", "aarch64-gcc.so"], ctx)).toBe(ExitCode.ok);
    expect(JSON.parse(stdout.text())).toEqual([
      { file: "aarch64-gcc.so", descriptors: expected["elf/aarch64-gcc.so"] },
    ]);
  });

  test("no file is a usage error", async () => {
    const { context: ctx, stderr } = context();
    expect(await runCli(["inspect"], ctx)).toBe(ExitCode.usage);
    expect(stderr.text()).toStartWith("[X] inspect needs at least one file\n");
  });
});

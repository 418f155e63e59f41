import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltPlugin } from "@memflow-ts/sdk";
import { BUILD_HOOK_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { buildDummyOs } from "./support/os-plugins.ts";
import { buildDummy, FIXTURES, FOREIGN_ARCHITECTURE_FIXTURE, gcc, installCopy, place } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-list-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let dummy: BuiltPlugin;
beforeAll(() => {
  if (gcc.available) dummy = buildDummy(join(sandbox, "build"));
});

function setup(name: string) {
  const home = join(sandbox, name, "home");
  const userDir = join(home, ".local", "lib", "memflow");
  const extra = join(sandbox, name, "extra");
  const cwd = join(sandbox, name, "cwd");
  for (const directory of [userDir, extra, cwd]) mkdirSync(directory, { recursive: true });
  const { context, stdout, stderr } = testContext({ home, cwd, env: { MEMFLOW_PLUGIN_PATH: extra } });
  return { home, userDir, extra, cwd, context, stdout, stderr };
}

describe("memflow-ts list", () => {
  test.skipIf(!gcc.available)("shows name, kind, version, ABI, architecture and path of each plugin", async () => {
    const { userDir, context, stdout, stderr } = setup("table");
    const path = installCopy(dummy, userDir, { salt: "a", createdAt: "2024-04-06T20:49:56.440891100" });
    expect(await runCli(["list"], context)).toBe(ExitCode.ok);
    const architecture = process.arch === "arm64" ? "elf/arm64" : "elf/x86_64";
    expect(stdout.text()).toBe(
      `NAME             KIND       VERSION      ABI  ARCH         PATH\n` +
        `dummy            connector  0.2.4        1    ${architecture.padEnd(12)} ${path}\n` +
        "1 plugin in 1 file.\n",
    );
    expect(stderr.text()).toBe("");
  });

  test.skipIf(!gcc.available)(
    "lists plugins from MEMFLOW_PLUGIN_PATH and the working directory of the context",
    async () => {
      const { extra, cwd, context, stdout } = setup("paths");
      const fromVariable = installCopy(dummy, extra, { salt: "b", createdAt: "2024-01-01T00:00:00" });
      const fromCwd = installCopy(dummy, cwd, { salt: "c", createdAt: "2025-01-01T00:00:00" });
      expect(await runCli(["list", "--quiet"], context)).toBe(ExitCode.ok);
      const lines = stdout.text().trimEnd().split("\n");
      // The newer file is the one memflow uses; the older is marked as shadowed.
      expect(lines).toHaveLength(2);
      expect(lines[0]).toStartWith("dummy ");
      expect(lines[0]).toEndWith(fromCwd);
      expect(lines[1]).toStartWith("dummy* ");
      expect(lines[1]).toEndWith(fromVariable);
    },
  );

  // Rows are grouped by kind and name; a row joins the previous row's group when both match.
  test.skipIf(!gcc.available)(
    "groups rows by kind and name when a plugin of the same name but another kind comes between",
    async () => {
      const { userDir, context, stdout } = setup("kinds");
      const os = buildDummyOs(join(sandbox, "build-os"));
      const newest = installCopy(dummy, userDir, { salt: "k1", createdAt: "2024-03-01T00:00:00" });
      const osPath = installCopy(os, userDir, { salt: "k2", createdAt: "2024-02-01T00:00:00" });
      const oldest = installCopy(dummy, userDir, { salt: "k3", createdAt: "2024-01-01T00:00:00" });
      expect(await runCli(["list", "--quiet"], context)).toBe(ExitCode.ok);
      const rows = stdout
        .text()
        .trimEnd()
        .split("\n")
        .map((line) => {
          const cells = line.split(/ +/);
          return [cells[0], cells[1], cells.at(-1)];
        });
      expect(rows).toEqual([
        ["dummy", "connector", newest],
        ["dummy*", "connector", oldest],
        ["dummy", "os", osPath],
      ]);
    },
    BUILD_HOOK_TIMEOUT,
  );

  test("--rejected says why each skipped file was skipped", async () => {
    const { extra, context, stdout } = setup("rejected");
    const abi = place(join(FIXTURES, "elf/x86_64-plugin-version-2.so"), extra, "libmemflow_version2.so");
    const foreign = place(FOREIGN_ARCHITECTURE_FIXTURE, extra, "libmemflow_foreign.so");
    const text = place(join(FIXTURES, "broken/plugin.so"), extra, "notes.so");
    expect(await runCli(["list", "--rejected"], context)).toBe(ExitCode.ok);
    const output = stdout.text();
    expect(output).toContain("[-] no plugins found in");
    expect(output).toContain(
      `  ${abi}\n      inventory: version mismatch (plugin with incompatible version found ${abi} ` +
        "(expected version 1 but MEMFLOW_OS_VERSION2 had version 2))\n",
    );
    expect(output).toContain(
      `  ${foreign}\n      inventory: invalid architecture (plugin with incompatible architecture`,
    );
    expect(output).toContain(`  ${text}\n      inventory: unable to read file (unable to parse descriptors`);
    expect(output).toEndWith("0 plugins in 0 files; 3 files skipped.\n");
  });

  test("without --rejected only counts the skipped files", async () => {
    const { extra, context, stdout } = setup("counted");
    place(join(FIXTURES, "broken/truncated-elf.so"), extra, "libmemflow_broken.so");
    expect(await runCli(["list"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toEndWith("0 plugins in 0 files; 1 file skipped ('memflow-ts list --rejected' says why).\n");
    expect(stdout.text()).not.toContain("truncated");
  });

  test.skipIf(!gcc.available)("--json gives plugins, directories and rejected files", async () => {
    const { userDir, extra, cwd, context, stdout } = setup("json");
    const older = installCopy(dummy, userDir, { salt: "d", createdAt: "2024-01-01T00:00:00" });
    const newer = installCopy(dummy, extra, { salt: "e", createdAt: "2024-06-01T12:00:00.5" });
    const broken = place(join(FIXTURES, "broken/empty.so"), cwd, "empty.so");
    expect(await runCli(["list", "--json", "--rejected"], context)).toBe(ExitCode.ok);
    const json = JSON.parse(stdout.text());
    expect(json.plugins.map((row: { path: string; selected: boolean }) => [row.path, row.selected])).toEqual([
      [newer, true],
      [older, false],
    ]);
    expect(json.plugins[0]).toMatchObject({
      name: "dummy",
      plugin_kind: "connector",
      version: "0.2.4",
      plugin_version: 1,
      export_name: "MEMFLOW_CONNECTOR_DUMMY",
      created_at: "2024-06-01T12:00:00.5",
    });
    expect(json.plugins[0].digest).toMatch(/^[0-9a-f]{64}$/);
    expect(json.directories).toEqual([{ path: userDir }, { path: extra }, { path: cwd }]);
    expect(json.rejected).toEqual([
      {
        path: broken,
        error: { origin: "Inventory", kind: "UnableToReadFile", message: expect.stringContaining("bad-magic") },
      },
    ]);
  });

  test("with no plugins it says where it looked and how to install one", async () => {
    const { userDir, extra, cwd, context, stdout } = setup("empty");
    expect(await runCli(["list"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toBe(
      `[-] no plugins found in ${userDir}, ${extra}, ${cwd}\n` +
        "    Install one with 'memflow-ts pull <name>', or set MEMFLOW_PLUGIN_PATH to a directory with plugins.\n" +
        "0 plugins in 0 files.\n",
    );
  });

  test("a directory that cannot be read is shown in --json", async () => {
    const { context, stdout, cwd } = setup("missing");
    const missing = join(sandbox, "missing", "nowhere");
    writeFileSync(join(cwd, "README"), "not a plugin\n");
    const withMissing = { ...context, env: { MEMFLOW_PLUGIN_PATH: missing } };
    expect(await runCli(["list", "--json"], withMissing)).toBe(ExitCode.ok);
    const json = JSON.parse(stdout.text());
    expect(json.directories[1]).toEqual({ path: missing, error: expect.stringContaining("unable to read directory") });
    expect(json.rejected).toBeUndefined();
  });

  test("arguments are a usage error", async () => {
    const { context, stderr } = setup("usage");
    expect(await runCli(["list", "dummy"], context)).toBe(ExitCode.usage);
    expect(stderr.text()).toStartWith("[X] list takes no arguments (got dummy)\n");
  });
});

/**
 * What an OS command loads of the plugin host, by the chain it is given: over an OS alone (the
 * dummy OS in memory of its own) `ps` loads the OS's host but neither the connector's wrapper nor
 * physical memory's and its batched transfers, which a connector or a physical read needs
 * (decision 0007, "The target met"). Run as the user runs it, in a fresh `bun` process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT, PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { buildDummyWithOs } from "./support/os-plugins.ts";
import { installCopy } from "./support/plugins.ts";

const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-os-path-modules-"));
const home = join(sandbox, "home");
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** Loaded first: writes the paths of every module the process loaded when it exits. */
const PRELOAD = join(sandbox, "loaded-modules.ts");
const MAIN = join(import.meta.dir, "..", "src", "main.ts");
/** The plugin host's wrappers a chain of an OS alone does without. */
const CONNECTOR_SIDE = ["native-connector", "native-physical-memory", "native-transfer"];

beforeAll(() => {
  if (!gcc.available) return;
  const { connector, os } = buildDummyWithOs(join(sandbox, "build"));
  const plugins = join(home, ".local", "lib", "memflow");
  installCopy(os, plugins, { salt: "the dummy OS", createdAt: "2024-04-06T21:00:00" });
  installCopy(connector, plugins, { salt: "the dummy connector", createdAt: "2024-04-06T20:00:00" });
  writeFileSync(
    PRELOAD,
    'import { writeFileSync } from "node:fs";\n' +
      'process.on("exit", () => writeFileSync(process.env.LOADED_MODULES, Object.keys(require.cache).join("\\n")));\n',
  );
}, BUILD_HOOK_TIMEOUT);

/** The plugin host's modules (`core/src/ffi/<name>.ts`) that `memflow-ts <args>` loaded. */
function ffiModulesLoadedBy(args: string[]): string[] {
  const list = join(sandbox, "loaded.txt");
  const run = Bun.spawnSync(["bun", "--preload", PRELOAD, MAIN, ...args], {
    cwd: sandbox,
    env: { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", LOADED_MODULES: list },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(run.stderr.toString()).toBe("");
  expect(run.exitCode).toBe(0);
  return readFileSync(list, "utf8")
    .split("\n")
    .flatMap((path) => path.match(/\/core\/src\/ffi\/([a-z-]+)\.ts$/)?.slice(1) ?? []);
}

describe.skipIf(!gcc.available)("the plugin host's modules an OS command loads", () => {
  test(
    "ps over an OS alone: the OS's host, not the connector's wrapper, physical memory's or batched transfers",
    () => {
      const loaded = ffiModulesLoadedBy(["ps", "-q", "-o", "dummy::procs=3"]);
      expect(loaded).toEqual(expect.arrayContaining(["native-host", "native-os", "native-list"]));
      for (const name of CONNECTOR_SIDE) expect(loaded).not.toContain(name);
    },
    PROCESS_TEST_TIMEOUT,
  );

  test(
    "ps over a connector, and a read of an OS's physical memory, load what they use",
    () => {
      expect(ffiModulesLoadedBy(["ps", "-q", "-c", "dummy::size=4m", "-o", "dummy::procs=2"])).toEqual(
        expect.arrayContaining(CONNECTOR_SIDE),
      );
      const read = ffiModulesLoadedBy(["read", "-o", "dummy::procs=1", "0", "16"]);
      expect(read).toEqual(expect.arrayContaining(["native-physical-memory", "native-transfer"]));
      expect(read).not.toContain("native-connector");
    },
    PROCESS_TEST_TIMEOUT,
  );
});

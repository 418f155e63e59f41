/**
 * TypeScript plugins on disk (decision 0014): `*.memflow.ts` files in a plugin folder, imported
 * when the Inventory scans with its `scripts` option, their imports of memflow-ts served by the
 * host's own modules, their definitions found by name like plugin files, and files that cannot
 * be used recorded with the reason.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@memflow-ts/core";
import { Inventory, MemflowError } from "@memflow-ts/core";
import * as sdk from "../src/index.ts";
import { bundledPluginDirectory } from "../src/index.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-script-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const scripts = { modules: { "@memflow-ts/core": () => core, "@memflow-ts/sdk": () => sdk } };

/** A plugin folder as a user would fill it: the table OS copied in, one OS that imports the SDK, and bad files. */
function pluginFolder(name: string): string {
  const folder = join(root, name);
  mkdirSync(folder);
  copyFileSync(join(import.meta.dir, "support", "table-os.ts"), join(folder, "table.memflow.ts"));
  writeFileSync(
    join(folder, "empty-os.memflow.ts"),
    [
      'import { MemflowError } from "@memflow-ts/core";',
      'import { defineOs } from "@memflow-ts/sdk";',
      "export const emptyOs = defineOs({",
      '  name: "empty", version: "1.0.0", description: "an OS without processes",',
      "  create: () => ({",
      '    info: () => ({ base: 0n, size: 0n, arch: { kind: "X86", bits: 64, addressExtensions: false } }),',
      "    processInfoList: () => [],",
      '    process: () => { throw new MemflowError("OsLayer", "ProcessNotFound", "no processes"); },',
      "  }),",
      "});",
    ].join("\n"),
  );
  writeFileSync(join(folder, "syntax.memflow.ts"), "export const = ;\n");
  writeFileSync(join(folder, "nothing.memflow.ts"), "export const answer = 42;\n");
  writeFileSync(join(folder, "helper.ts"), 'throw new Error("not a plugin file: never imported");\n');
  return folder;
}

describe("TypeScript plugin files", () => {
  const folder = pluginFolder("plugins");

  test("are imported from a scanned folder with the scripts option, and their OS layers found by name", () => {
    const inventory = Inventory.scanPath(folder, { scripts });
    expect(inventory.availableOs().sort()).toEqual(["empty", "table"]);
    const entry = inventory.plugins().find((plugin) => plugin.path === "builtin:os/table");
    expect(entry?.realPath).toBe(join(folder, "table.memflow.ts"));
    using os = inventory.instantiateOs("empty");
    expect(os.processInfoList()).toEqual([]);
    // The plugin's own MemflowError is the host's class: its imports were served by the host's modules.
    expect(() => os.processByInfo({} as core.ProcessInfo)).toThrow(MemflowError);
  });

  test("that cannot be imported, or export no definition, are skipped and recorded with the reason", () => {
    const inventory = Inventory.scanPath(folder, { scripts });
    const rejected = inventory.rejected().map(({ path, error }) => [path, error.origin, error.kind]);
    expect(rejected).toEqual([
      [join(folder, "nothing.memflow.ts"), "Inventory", "MemflowExportsNotFound"],
      [join(folder, "syntax.memflow.ts"), "Inventory", "UnableToLoadLibrary"],
    ]);
    expect(() => inventory.addScriptFile(join(folder, "nothing.memflow.ts"))).toThrow(/exports no plugin definition/);
  });

  test("are not imported without the scripts option", () => {
    expect(Inventory.scanPath(folder).availableOs()).toEqual([]);
  });

  test("chain with the native dummy connector found beside them", () => {
    const inventory = Inventory.scanPath(folder, { scripts });
    inventory.addDir(bundledPluginDirectory("dummy", join(root, "cache")));
    const { connectors, osLayers } = core.chainArguments(["-c", "dummy::size=1m", "-o", "table::procs=2"]);
    using os = inventory.builder().osChain(core.OsChain.fromArgs(connectors, osLayers)).build();
    expect(os.processInfoList().map((info) => info.name)).toEqual(["init", "shell"]);
  });

  test("a scan imports them from the plugin folders but not from the working directory", () => {
    const searched = pluginFolder("searched");
    const working = join(root, "working");
    mkdirSync(working);
    writeFileSync(join(working, "here.memflow.ts"), 'throw new Error("code in the working directory ran");\n');
    const inventory = Inventory.scan({ home: join(root, "home"), pluginPathVariable: searched, cwd: working, scripts });
    expect(inventory.directories().map((directory) => directory.path)).toContain(working);
    expect(inventory.availableOs().sort()).toEqual(["empty", "table"]);
    expect(inventory.rejected().map(({ path }) => path)).not.toContain(join(working, "here.memflow.ts"));
  });
});

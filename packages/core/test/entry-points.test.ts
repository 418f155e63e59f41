import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const FIXTURE = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-gcc.so");
const directory = mkdtempSync(join(tmpdir(), "memflow-ts-entry-points-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test("the without-ffi entry has every export of the main entry except the native plugin classes", async () => {
  const main = Object.keys(await import("../src/index.ts")).sort();
  const light = Object.keys(await import("../src/without-ffi.ts")).sort();
  expect(main.filter((name) => !light.includes(name))).toEqual([
    "NativeConnector",
    "NativePluginHost",
    "TransferBatch",
  ]);
  expect(light.filter((name) => !main.includes(name))).toEqual([]);
});

test("plugin-files is part of without-ffi and loads neither the Inventory nor its arguments", () => {
  const script = `
    const files = await import("./src/plugin-files.ts");
    const loaded = Object.keys(require.cache).filter((path) => path.includes("/core/src/"));
    const light = await import("./src/without-ffi.ts");
    console.log(JSON.stringify({
      missing: Object.keys(files).filter((name) => !(name in light)),
      inventory: loaded.some((path) => path.endsWith("/inventory/inventory.ts")),
      args: loaded.some((path) => path.includes("/args/")),
      modules: loaded.length,
    }));
  `;
  const result = Bun.spawnSync(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  const report = JSON.parse(result.stdout.toString());
  expect(report).toMatchObject({ missing: [], inventory: false, args: false });
  // plugin-files, the six modules of memflow's file conventions, and abi-header.ts (one constant).
  expect(report.modules).toBeLessThanOrEqual(8);
});

test("a scan loads the analyzer only for files the descriptor cache does not know, and never bun:ffi", () => {
  copyFileSync(FIXTURE, join(directory, "libmemflow_gcc.so"));
  // A fresh process, so that modules this test file loaded do not count. Bun lists every loaded
  // module in require.cache, ES modules included.
  const script = `
    import { hostFor, Inventory } from "./src/without-ffi.ts";
    const loaded = (part) => Object.keys(require.cache).some((path) => path.includes(part));
    const entries = new Map();
    const descriptorCache = { get: (key) => entries.get(key), set: (key, value) => entries.set(key, value) };
    const options = { host: hostFor("linux", "x64"), descriptorCache };
    const report = [];
    for (const round of ["cold", "warm"]) {
      const inventory = Inventory.scanPath(${JSON.stringify(directory)}, options);
      report.push({ round, connectors: inventory.availableConnectors(), analyzer: loaded("/analyzer/src/analyze.ts") });
      for (const key of Object.keys(require.cache)) if (key.includes("/analyzer/src/")) delete require.cache[key];
    }
    report.push({ ffi: loaded("/ffi/native-host.ts") || loaded("/ffi/shim.ts") });
    console.log(JSON.stringify(report));
  `;
  const result = Bun.spawnSync(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  expect(JSON.parse(result.stdout.toString())).toEqual([
    { round: "cold", connectors: ["gcc-x86_64"], analyzer: true },
    { round: "warm", connectors: ["gcc-x86_64"], analyzer: false },
    { ffi: false },
  ]);
});

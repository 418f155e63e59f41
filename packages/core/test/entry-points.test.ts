/**
 * The package's entry points: each named by what it offers, each export in one entry only
 * (memflow's error type aside, which the file conventions throw too), and what each loads in a
 * fresh process, since commands that only list plugins must not pay for the plugin host.
 */
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };

const ROOT = join(import.meta.dir, "..");
const FIXTURE = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-gcc.so");
const directory = mkdtempSync(join(tmpdir(), "memflow-ts-entry-points-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ENTRIES = {
  ".": "./src/index.ts",
  "./catalogue": "./src/catalogue.ts",
  "./install": "./src/install.ts",
  "./plugin-files": "./src/plugin-files.ts",
  "./registry": "./src/registry.ts",
} as const;

/** Runs `script` in a fresh Bun in the package folder; returns what it printed as JSON. */
function inFreshProcess(script: string): unknown {
  const result = Bun.spawnSync(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  return JSON.parse(result.stdout.toString());
}

test("the export map names the five entries (and package.json), each a file that exists", () => {
  expect(packageJson.exports).toEqual({ ...ENTRIES, "./package.json": "./package.json" });
  for (const file of Object.values(ENTRIES)) expect(existsSync(join(ROOT, file))).toBe(true);
});

test("every export is in one entry, but for the error type the file conventions throw too", async () => {
  const names = Object.fromEntries(
    await Promise.all(
      Object.entries(ENTRIES).map(async ([entry, file]) => [entry, Object.keys(await import(join(ROOT, file)))]),
    ),
  ) as Record<keyof typeof ENTRIES, string[]>;
  const shared: string[] = [];
  const entries = Object.keys(ENTRIES) as (keyof typeof ENTRIES)[];
  for (const [index, first] of entries.entries()) {
    for (const second of entries.slice(index + 1)) {
      for (const name of names[first]) if (names[second].includes(name)) shared.push(`${first} ${second} ${name}`);
    }
  }
  expect(shared.sort()).toEqual([
    ". ./plugin-files ErrorKind",
    ". ./plugin-files ErrorOrigin",
    ". ./plugin-files MemflowError",
  ]);
  expect(names["."]).toContain("Inventory");
  expect(names["./catalogue"]).toContain("PluginCatalogue");
  expect(names["./plugin-files"]).toContain("parsePluginMetadata");
  expect(names["./install"]).toContain("installPlugin");
  expect(names["./registry"]).toContain("verifyPluginSignature");
});

test("only the main entry loads the native plugin host; plugin-files loads no catalogue, analyzer, arguments or install", () => {
  // Each entry in a fresh process of its own, so that modules another entry loaded do not count.
  const report = Object.fromEntries(
    Object.entries(ENTRIES).map(([name, file]) => [
      name,
      inFreshProcess(`
        await import(${JSON.stringify(file)});
        const loaded = Object.keys(require.cache);
        const any = (test) => loaded.some(test);
        console.log(JSON.stringify({
          ffi: any((path) => path.includes("/core/src/ffi/")),
          analyzer: any((path) => path.includes("/analyzer/src/")),
          catalogue: any((path) => path.includes("/core/src/catalogue/")),
          args: any((path) => path.includes("/core/src/args/")),
          install: any((path) => ["/install.ts", "/install-plugin.ts", "/durable-file.ts", "/native-toolchain.ts"].some((name) => path.endsWith(name))),
        }));
      `),
    ]),
  );
  expect(report).toEqual({
    ".": { ffi: true, analyzer: false, catalogue: true, args: true, install: true },
    "./catalogue": { ffi: false, analyzer: false, catalogue: true, args: false, install: false },
    "./install": { ffi: false, analyzer: false, catalogue: false, args: false, install: true },
    "./plugin-files": { ffi: false, analyzer: false, catalogue: false, args: false, install: false },
    "./registry": { ffi: false, analyzer: false, catalogue: false, args: false, install: false },
  });
});

test("a scan loads the analyzer only for files the descriptor cache does not know, and never bun:ffi", () => {
  copyFileSync(FIXTURE, join(directory, "libmemflow_gcc.so"));
  // Bun lists every loaded module in require.cache, ES modules included.
  const report = inFreshProcess(`
    import { PluginCatalogue } from "./src/catalogue.ts";
    import { hostFor } from "./src/plugin-files.ts";
    const loaded = (part) => Object.keys(require.cache).some((path) => path.includes(part));
    const entries = new Map();
    const descriptorCache = { get: (key) => entries.get(key), set: (key, value) => entries.set(key, value) };
    const options = { host: hostFor("linux", "x64"), descriptorCache };
    const report = [];
    for (const round of ["cold", "warm"]) {
      const catalogue = PluginCatalogue.scanPath(${JSON.stringify(directory)}, options);
      report.push({ round, connectors: catalogue.availableConnectors(), analyzer: loaded("/analyzer/src/analyze.ts") });
      for (const key of Object.keys(require.cache)) if (key.includes("/analyzer/src/")) delete require.cache[key];
    }
    report.push({ ffi: loaded("/core/src/ffi/") });
    console.log(JSON.stringify(report));
  `);
  expect(report).toEqual([
    { round: "cold", connectors: ["gcc-x86_64"], analyzer: true },
    { round: "warm", connectors: ["gcc-x86_64"], analyzer: false },
    { ffi: false },
  ]);
});

/**
 * The package's entry points: each named by what it offers, each export in one entry only
 * (memflow's error type aside, which the file conventions throw too), and what each loads in a
 * fresh process, since commands that only list plugins must not pay for the plugin host.
 */
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { SCRIPT_PLUGIN_SUFFIX } from "../src/plugin-files.ts";

const ROOT = join(import.meta.dir, "..");
const FIXTURE = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-gcc.so");
const directory = mkdtempSync(join(tmpdir(), "memflow-ts-entry-points-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ENTRIES = {
  ".": "./src/index.ts",
  "./catalogue": "./src/catalogue.ts",
  "./install": "./src/install.ts",
  "./inventory": "./src/inventory.ts",
  "./plugin-files": "./src/plugin-files.ts",
  "./registry": "./src/registry.ts",
} as const;

/** Runs `script` in a fresh Bun in the package folder; returns what it printed as JSON. */
function inFreshProcess(script: string): unknown {
  const result = Bun.spawnSync(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  return JSON.parse(result.stdout.toString());
}

test("the export map names the six entries (and package.json), each a file that exists", () => {
  expect(packageJson.exports).toEqual({ ...ENTRIES, "./package.json": "./package.json" });
  for (const file of Object.values(ENTRIES)) expect(existsSync(join(ROOT, file))).toBe(true);
});

/** Narrower views of the main entry: each of their exports is the main entry's too. */
const VIEWS = ["./inventory"] as const;

test("every export is in one entry, but for the error type the file conventions throw too, and views of the main entry", async () => {
  const names = Object.fromEntries(
    await Promise.all(
      Object.entries(ENTRIES).map(async ([entry, file]) => [entry, Object.keys(await import(join(ROOT, file)))]),
    ),
  ) as Record<keyof typeof ENTRIES, string[]>;
  const shared: string[] = [];
  const entries = (Object.keys(ENTRIES) as (keyof typeof ENTRIES)[]).filter(
    (entry) => !(VIEWS as readonly string[]).includes(entry),
  );
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
  for (const view of VIEWS) {
    expect(names[view].length).toBeGreaterThan(10);
    expect(names[view].filter((name) => !names["."].includes(name))).toEqual([]);
  }
  expect(names["./inventory"]).toContain("Inventory");
  expect(names["./inventory"]).not.toContain("defineOs");
});

test("only the Inventory's entries load the native plugin host; ./inventory loads no script host or page walks; plugin-files loads no catalogue, analyzer, arguments or install", () => {
  // Each entry in a fresh process of its own, so that modules another entry loaded do not count.
  const report = Object.fromEntries(
    Object.entries(ENTRIES).map(([name, file]) => [
      name,
      inFreshProcess(`
        await import(${JSON.stringify(file)});
        const loaded = Object.keys(require.cache);
        const any = (test) => loaded.some(test);
        const groups = {
          ffi: (path) => path.includes("/core/src/ffi/"),
          analyzer: (path) => path.includes("/analyzer/src/"),
          catalogue: (path) => path.includes("/core/src/catalogue/"),
          args: (path) => path.includes("/core/src/args/"),
          install: (path) => ["/install.ts", "/install-plugin.ts", "/durable-file.ts", "/native-toolchain.ts"].some((name) => path.endsWith(name)),
          // The script host and the shim's script inputs (their C headers are the shim's sources, always loaded).
          scripts: (path) => path.includes("/core/src/script/") || (path.includes("/core/src/ffi/script-") && path.endsWith(".ts")),
          walks: (path) => path.includes("/core/src/os/translate/"),
        };
        console.log(JSON.stringify(Object.keys(groups).filter((group) => any(groups[group]))));
      `),
    ]),
  );
  // The groups of modules each entry loads.
  expect(report).toEqual({
    ".": ["ffi", "catalogue", "args", "install", "scripts", "walks"],
    "./catalogue": ["catalogue"],
    "./install": ["install"],
    "./inventory": ["ffi", "catalogue", "args", "install"],
    "./plugin-files": [],
    "./registry": [],
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

test("the Inventory loads the script host when it finds a TypeScript plugin, not before", () => {
  const folder = join(directory, "scripts");
  mkdirSync(folder);
  const report = inFreshProcess(`
    import { Inventory } from "./src/inventory.ts";
    const loaded = () => Object.keys(require.cache).some((path) => path.includes("/core/src/script/script-host.ts"));
    const inventory = Inventory.scanPath(${JSON.stringify(folder)}, { scripts: {} });
    const before = loaded();
    await Bun.write(${JSON.stringify(join(folder, `lazy${SCRIPT_PLUGIN_SUFFIX}`))},
      'export const lazy = { name: "lazy", version: "1.0.0", description: "a connector", create() { throw new Error("unused"); } };');
    inventory.addDir(${JSON.stringify(folder)});
    console.log(JSON.stringify({ before, after: loaded(), connectors: inventory.availableConnectors() }));
  `);
  expect(report).toEqual({ before: false, after: true, connectors: ["lazy"] });
});

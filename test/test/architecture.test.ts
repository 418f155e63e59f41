/**
 * The architecture as code can break it: where bun:ffi may be imported, what of the native host
 * the rest of core may see, how long a source file may grow, and that no two files import each
 * other, directly or around a circle. docs/architecture.md says why each rule is there.
 */
import { describe, expect, test } from "bun:test";
import coreManifest from "../../packages/core/package.json" with { type: "json" };
import { importCycles, resolveImport, sourceFiles } from "../src/index.ts";

const files = sourceFiles();
const FFI = "packages/core/src/ffi/";

describe("the sources", () => {
  test("are found (the checks below are not vacuous)", () => {
    expect(files.length).toBeGreaterThan(150);
    expect(files.some((file) => file.path === "packages/core/src/ffi/native-host.ts")).toBe(true);
    expect(files.some((file) => file.path === "packages/core/native/memflow-abi.h")).toBe(true);
  });

  test("import bun:ffi only under packages/core/src/ffi/", () => {
    const importers = files
      .filter((file) => file.imports.some(({ specifier }) => specifier === "bun:ffi"))
      .map((file) => file.path);
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((path) => !path.startsWith(FFI))).toEqual([]);
  });

  test("outside ffi/, core reaches the native host only through createNativePluginHost, typed PluginHost", () => {
    const reaches = files
      .filter((file) => file.path.startsWith("packages/core/src/") && !file.path.startsWith(FFI))
      .flatMap((file) =>
        file.imports
          .filter(({ specifier }) => resolveImport(file.path, specifier)?.startsWith(FFI))
          .map(({ names }) => `${file.path}: ${names.join(", ")}`),
      );
    expect(reaches).toEqual(["packages/core/src/inventory/inventory.ts: createNativePluginHost"]);
  });

  test("no entry point of core exports anything from ffi/", () => {
    const entries = Object.values(coreManifest.exports)
      .filter((target) => target.endsWith(".ts"))
      .map((target) => `packages/core/${target.slice(2)}`);
    expect(entries).toHaveLength(6);
    for (const path of entries) {
      const entry = files.find((file) => file.path === path);
      expect(
        entry?.imports.map(({ specifier }) => specifier).filter((specifier) => specifier.includes("/ffi/")),
      ).toEqual([]);
    }
  });

  test("have at most 400 lines each", () => {
    const long = files.filter((file) => file.lines > 400).map((file) => `${file.path}: ${file.lines} lines`);
    expect(long).toEqual([]);
  });

  test("import each other without cycles", () => {
    expect(importCycles(files)).toEqual([]);
  });
});

test("the cycle finder finds a cycle", () => {
  const fake = (path: string, ...imports: string[]) => ({
    path,
    lines: 1,
    imports: imports.map((specifier) => ({ specifier, names: [] })),
  });
  expect(
    importCycles([
      fake("p/a.ts", "./b.ts"),
      fake("p/b.ts", "./c.ts"),
      fake("p/c.ts", "./a.ts"),
      fake("p/d.ts", "./a.ts"),
    ]),
  ).toEqual([["p/a.ts", "p/b.ts", "p/c.ts"]]);
});

/**
 * C compiled at run time travels as text (source-tree.ts), so the lists of files must match what
 * the sources include, and a tree must come out as the same files wherever it is written.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { SHIM_SOURCE_FILES, shimSourcesKeyOnDisk } from "../src/ffi/shim-source-files.ts";
import { SHIM_INCLUDE_FOLDER, SHIM_SOURCE, SHIM_SOURCES, shimSourcesKey } from "../src/ffi/shim-sources.ts";
import { ABI_HEADER_SOURCES } from "../src/plugin-files/abi-header-sources.ts";
import { materialiseSourceTree, sourceTreeKey } from "../src/plugin-files/source-tree.ts";

const FFI_FOLDER = join(import.meta.dir, "..", "src", "ffi");
const NATIVE_FOLDER = join(import.meta.dir, "..", "native");
const scratch = mkdtempSync(join(tmpdir(), "memflow-ts-source-tree-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A file and every file it includes with `#include "…"`, found beside it or in `include`, as the compilers do. */
function includeClosure(file: string, include: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    if (found.includes(path)) return;
    found.push(path);
    for (const [, name = ""] of readFileSync(path, "utf8").matchAll(/^#include "([^"]+)"/gm)) {
      const candidates = [join(dirname(path), name), join(include, name)];
      const next = candidates.find((candidate) => existsSync(candidate));
      if (next === undefined) throw new Error(`${path} includes ${name}, which is nowhere`);
      visit(next);
    }
  };
  visit(file);
  return found;
}

test("the shim's tree holds exactly shim.c and the files it includes, as they are on disk", () => {
  const closure = includeClosure(join(FFI_FOLDER, SHIM_SOURCE), NATIVE_FOLDER);
  const expected = Object.fromEntries(
    closure.map((path) => [
      dirname(path) === NATIVE_FOLDER ? `${SHIM_INCLUDE_FOLDER}/${basename(path)}` : basename(path),
      readFileSync(path, "utf8"),
    ]),
  );
  expect(Object.keys(SHIM_SOURCES).sort()).toEqual(Object.keys(expected).sort());
  for (const [path, text] of Object.entries(expected)) expect(SHIM_SOURCES[path]).toBe(text);
});

test("the shim's files by path are its tree, so the digest from sources is the executable's", () => {
  expect(Object.keys(SHIM_SOURCE_FILES).sort()).toEqual(Object.keys(SHIM_SOURCES).sort());
  for (const [path, file] of Object.entries(SHIM_SOURCE_FILES))
    expect(readFileSync(join(FFI_FOLDER, file), "utf8")).toBe(SHIM_SOURCES[path] as string);
  expect(shimSourcesKeyOnDisk()).toBe(shimSourcesKey());
});

test("the ABI header's list names every header in native/", () => {
  const onDisk = readdirSync(NATIVE_FOLDER).filter((name) => name.endsWith(".h"));
  expect(Object.keys(ABI_HEADER_SOURCES).sort()).toEqual(onDisk.sort());
  for (const name of onDisk) expect(ABI_HEADER_SOURCES[name]).toBe(readFileSync(join(NATIVE_FOLDER, name), "utf8"));
});

test("a tree is written once, to a folder named by its content, with its subfolders", () => {
  const tree = { "a.c": '#include "b.h"\n', "include/b.h": "int b;\n" };
  const folder = materialiseSourceTree(tree, scratch);
  expect(basename(folder)).toBe(`sources-${sourceTreeKey(tree)}`);
  expect(readFileSync(join(folder, "a.c"), "utf8")).toBe(tree["a.c"]);
  expect(readFileSync(join(folder, "include", "b.h"), "utf8")).toBe(tree["include/b.h"]);
  expect(materialiseSourceTree(tree, scratch)).toBe(folder);
  // Nothing temporary is left beside it.
  expect(readdirSync(scratch)).toEqual([basename(folder)]);
});

test("a change to any file or name gives another folder", () => {
  const tree = { "a.c": "int a;\n" };
  const keys = new Set([
    sourceTreeKey(tree),
    sourceTreeKey({ "a.c": "int a; \n" }),
    sourceTreeKey({ "b.c": "int a;\n" }),
    sourceTreeKey({ ...tree, "c.h": "" }),
  ]);
  expect(keys.size).toBe(4);
});

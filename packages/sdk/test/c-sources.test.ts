/** The SDK's C travels as text (c-sources.ts) for compiled executables: the list must be every C file it has. */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "@memflow-ts/core/install";
import { SDK_C_SOURCES, sdkSourceFolders } from "../src/c-sources.ts";

const PACKAGE_ROOT = join(import.meta.dir, "..");

function cFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.[ch]$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

test("the SDK's C list holds every .c and .h of include/, native/, templates/ and the ABI headers, as on disk", () => {
  const expected: Record<string, string> = {};
  const folders = ["include", "native", "templates"].map((folder) => join(PACKAGE_ROOT, folder));
  for (const file of folders.flatMap(cFiles)) {
    expected[relative(PACKAGE_ROOT, file)] = readFileSync(file, "utf8");
  }
  for (const file of cFiles(ABI_INCLUDE_DIRECTORY)) {
    expected[`abi/${relative(ABI_INCLUDE_DIRECTORY, file)}`] = readFileSync(file, "utf8");
  }
  expect(Object.keys(SDK_C_SOURCES).sort()).toEqual(Object.keys(expected).sort());
  for (const [path, text] of Object.entries(expected)) expect(SDK_C_SOURCES[path]).toBe(text);
});

test("outside a compiled executable, compilers read the package's own folders", () => {
  expect(sdkSourceFolders()).toEqual({
    include: join(PACKAGE_ROOT, "include"),
    abi: ABI_INCLUDE_DIRECTORY,
    native: join(PACKAGE_ROOT, "native"),
    templates: join(PACKAGE_ROOT, "templates"),
  });
});

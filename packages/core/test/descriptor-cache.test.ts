import { afterAll, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { type DescriptorCache, PluginCatalogue } from "../src/catalogue.ts";
import { hostFor } from "../src/plugin-files.ts";

const FIXTURE = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-gcc.so");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-descriptor-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class CountingCache implements DescriptorCache {
  readonly entries = new Map<string, PluginDescriptorInfo[]>();
  hits = 0;
  get(key: string) {
    const found = this.entries.get(key);
    if (found) this.hits += 1;
    return found;
  }
  set(key: string, descriptors: PluginDescriptorInfo[]) {
    this.entries.set(key, descriptors);
  }
}

test("unchanged files come from the cache; a changed file is analysed again", () => {
  const directory = join(root, "plugins");
  mkdirSync(directory);
  const path = join(directory, "libmemflow_gcc.so");
  copyFileSync(FIXTURE, path);
  const cache = new CountingCache();
  const options = { host: hostFor("linux", "x64"), descriptorCache: cache };

  const first = PluginCatalogue.scanPath(directory, options);
  expect(first.availableConnectors()).toEqual(["gcc-x86_64"]);
  expect([cache.entries.size, cache.hits]).toEqual([1, 0]);

  // A hit really replaces analysis: what the cache says is what the catalogue reports.
  const [key, descriptors] = [...cache.entries][0] ?? ["", []];
  cache.entries.set(
    key,
    descriptors.map((descriptor) => ({ ...descriptor, version: "9.9.9" })),
  );
  const second = PluginCatalogue.scanPath(directory, options);
  expect(cache.hits).toBe(1);
  expect(second.plugins()[0]?.descriptors[0]?.version).toBe("9.9.9");

  // Writing to the file changes its identity (size, times): analysed again, real version back.
  appendFileSync(path, new Uint8Array(8));
  const third = PluginCatalogue.scanPath(directory, options);
  expect(cache.hits).toBe(1);
  expect(cache.entries.size).toBe(2);
  expect(third.plugins()[0]?.descriptors[0]?.version).toBe("0.1.0");
});

/**
 * A catalogue scanned for the plugins a chain names (CatalogueOptions.wanted) passes over the
 * files the descriptor cache knows hold none of them, and reads them only when something needs
 * the whole catalogue; what it finds is what a full scan finds (decision 0019).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { type DescriptorCache, PluginCatalogue, type WantedPlugin } from "../src/catalogue.ts";
import { MemflowError } from "../src/error.ts";
import { hostFor } from "../src/plugin-files.ts";

const FIXTURE = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-gcc.so");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-wanted-plugins-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

class MapCache implements DescriptorCache {
  readonly entries = new Map<string, PluginDescriptorInfo[]>();
  get(key: string) {
    return this.entries.get(key);
  }
  set(key: string, descriptors: PluginDescriptorInfo[]) {
    this.entries.set(key, descriptors);
  }
}

/** Each file and the connector name the cache says it holds (two `alpha`s: the newer one must win). */
const FILES = [
  ["libmemflow_alpha_1.so", "alpha"],
  ["libmemflow_beta.so", "beta"],
  ["libmemflow_alpha_2.so", "alpha"],
  ["libmemflow_gamma.so", "gamma"],
] as const;

const directory = join(root, "plugins");
const cache = new MapCache();
const options = (wanted?: readonly WantedPlugin[]) => ({
  host: hostFor("linux", "x64"),
  descriptorCache: cache,
  ...(wanted && { wanted }),
});

beforeAll(() => {
  mkdirSync(directory);
  for (const [index, [name]] of FILES.entries()) {
    copyFileSync(FIXTURE, join(directory, name));
    appendFileSync(join(directory, name), new Uint8Array([index]));
  }
  // A full scan fills the cache; then each file's descriptor is renamed in it (a hit replaces analysis).
  PluginCatalogue.scanPath(directory, options());
  for (const [key, descriptors] of cache.entries) {
    const name = FILES.find(([file]) => key.includes(`/${file}\u0000`))?.[1] ?? "";
    cache.entries.set(
      key,
      descriptors.map((descriptor) => ({ ...descriptor, name })),
    );
  }
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MemflowError) return error.message;
    throw error;
  }
  throw new Error("expected a MemflowError");
}

describe("a catalogue scanned for wanted plugins", () => {
  test("selects the same file for a wanted name as a full scan, the newest of several", () => {
    const full = PluginCatalogue.scanPath(directory, options());
    for (const name of ["alpha", "beta", "gamma"]) {
      const partial = PluginCatalogue.scanPath(directory, options([{ kind: "connector", name }]));
      expect(partial.find("connector", name)).toEqual(full.find("connector", name));
    }
    expect(full.find("connector", "alpha").entry.path).toBe(
      full.plugins().find((entry) => entry.descriptors.some((descriptor) => descriptor.name === "alpha"))?.path ?? "",
    );
  });

  test("answers names it was not scanned for, missing names and listings as a full scan does", () => {
    const full = PluginCatalogue.scanPath(directory, options());
    const forAlpha = () => PluginCatalogue.scanPath(directory, options([{ kind: "connector", name: "alpha" }]));
    expect(forAlpha().find("connector", "gamma")).toEqual(full.find("connector", "gamma"));
    expect(messageOf(() => forAlpha().find("connector", "delta"))).toBe(
      messageOf(() => full.find("connector", "delta")),
    );
    expect(messageOf(() => forAlpha().find("os", "alpha"))).toBe(messageOf(() => full.find("os", "alpha")));
    expect(forAlpha().availableConnectors()).toEqual(full.availableConnectors());
    expect(forAlpha().plugins()).toEqual(full.plugins());
  });

  test("reads a passed-over file only when the whole catalogue is needed", () => {
    const dir = join(root, "later");
    mkdirSync(dir);
    for (const [name] of FILES) copyFileSync(join(directory, name), join(dir, name));
    // The copies have other paths: the cache learns them from a full scan, then says the same names.
    PluginCatalogue.scanPath(dir, options());
    for (const [key, descriptors] of cache.entries) {
      const name = FILES.find(([file]) => key.includes(`/later/${file}\u0000`))?.[1];
      if (name)
        cache.entries.set(
          key,
          descriptors.map((descriptor) => ({ ...descriptor, name })),
        );
    }
    const full = PluginCatalogue.scanPath(dir, options());
    const partial = PluginCatalogue.scanPath(dir, options([{ kind: "connector", name: "alpha" }]));
    // Removed after the scans: the full scan had read it already; this one has not, and finds it gone.
    rmSync(join(dir, "libmemflow_beta.so"));
    expect(partial.find("connector", "alpha")).toEqual(full.find("connector", "alpha"));
    expect(full.availableConnectors()).toContain("beta");
    expect(partial.availableConnectors()).not.toContain("beta");
    expect(partial.availableConnectors()).toContain("gamma");
    expect(partial.rejected().map((rejected) => rejected.path)).toContain(join(dir, "libmemflow_beta.so"));
  });
});

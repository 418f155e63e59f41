/**
 * The catalogue's descriptor cache kept in a file between runs (`descriptors.json` in
 * memflow-ts's cache folder, `~/.cache/memflow-ts`), so `memflow-ts list` analyses only plugins
 * that are new or changed since the last command. It is only a cache: unreadable means empty,
 * and a failed save is ignored. Entries not used by a scan are dropped when it is saved.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import type { DescriptorCache } from "@memflow-ts/core/catalogue";
import { cacheDirectory } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../io.ts";

const FORMAT = 1;

export function descriptorCachePath(context: CliContext): string {
  return join(cacheDirectory(context), "descriptors.json");
}

export class DescriptorCacheFile implements DescriptorCache {
  readonly #path: string;
  readonly #stored: Map<string, PluginDescriptorInfo[]>;
  readonly #used = new Map<string, PluginDescriptorInfo[]>();
  #changed = false;

  private constructor(path: string, stored: Map<string, PluginDescriptorInfo[]>) {
    this.#path = path;
    this.#stored = stored;
  }

  static load(path: string): DescriptorCacheFile {
    const stored = new Map<string, PluginDescriptorInfo[]>();
    try {
      const value = JSON.parse(readFileSync(path, "utf8")) as { format?: unknown; entries?: unknown };
      if (value.format === FORMAT && typeof value.entries === "object" && value.entries !== null) {
        // A plain loop: this runs once a process, cold, for every plugin file.
        const entries = value.entries as Record<string, unknown>;
        for (const key in entries) {
          const descriptors = entries[key];
          if (Array.isArray(descriptors)) stored.set(key, descriptors as PluginDescriptorInfo[]);
        }
      }
    } catch {
      // Missing or damaged: start empty; the next save replaces it.
    }
    return new DescriptorCacheFile(path, stored);
  }

  get(key: string): PluginDescriptorInfo[] | undefined {
    const descriptors = this.#stored.get(key);
    if (descriptors) this.#used.set(key, descriptors);
    return descriptors;
  }

  set(key: string, descriptors: PluginDescriptorInfo[]): void {
    this.#used.set(key, descriptors);
    this.#changed = true;
  }

  /** Writes what this run used, when that differs from what was stored. */
  save(): void {
    if (!this.#changed && this.#used.size === this.#stored.size) return;
    try {
      // Loaded only to write: core's install entry is the biggest module a listing would load
      // (it carries the ABI headers' text), and a warm cache is never written (decision 0007).
      const { replaceFileDurably } = require("@memflow-ts/core/install") as typeof import("@memflow-ts/core/install");
      mkdirSync(join(this.#path, ".."), { recursive: true });
      replaceFileDurably(this.#path, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.#used) }));
    } catch {
      // A cache that cannot be written only costs the next run some time.
    }
  }
}

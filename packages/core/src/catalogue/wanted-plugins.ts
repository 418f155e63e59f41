/**
 * A catalogue scanned for a few named plugins (the plugins of a chain: `-c dummy -o dummy`)
 * need not read the `.meta` of every file: a file whose descriptors the descriptor cache already
 * knows, and among which none is a wanted plugin, cannot be what a chain asks for, whatever its
 * `.meta` says. Such a file is passed over; every other file is read exactly as a full scan
 * reads it, so the file a name selects is the same (decision 0019).
 */
import { type BigIntStats, statSync } from "node:fs";
import type { PluginKind } from "@memflow-ts/analyzer";
import { parsePluginName } from "../plugin-files/plugin-name.ts";
import { type DescriptorCache, descriptorCacheKey } from "./descriptor-cache.ts";

/** A plugin a chain names: its kind and its name as typed (a tag after `:` narrows only the choice). */
export interface WantedPlugin {
  readonly kind: PluginKind;
  readonly name: string;
}

/**
 * Whether the file at `path` (its canonical path `realPath`) can be passed over: the cache knows
 * its current descriptors and none is a wanted plugin. A file the cache does not know, or that
 * cannot be stat'ed, is not passed over: reading it says what it is, or records why not. `known`
 * is its stats when the caller has them.
 */
export function canPassOver(
  path: string,
  realPath: string,
  wanted: readonly WantedPlugin[],
  cache: DescriptorCache,
  known?: BigIntStats,
): boolean {
  let stats: BigIntStats;
  try {
    stats = known ?? statSync(path, { bigint: true });
  } catch {
    return false;
  }
  if (!stats.isFile()) return false;
  const descriptors = cache.get(descriptorCacheKey(realPath, stats));
  if (descriptors === undefined) return false;
  const names = wanted.map(({ kind, name }) => ({ kind, name: parsePluginName(name).name }));
  return !descriptors.some((descriptor) =>
    names.some(({ kind, name }) => descriptor.plugin_kind === kind && descriptor.name === name),
  );
}

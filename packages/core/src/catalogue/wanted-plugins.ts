/**
 * A catalogue scanned for a few named plugins (the plugins of a chain: `-c dummy -o dummy`)
 * need not read the `.meta` of every file: a file whose descriptors the descriptor cache already
 * knows, and among which none is a wanted plugin, cannot be what a chain asks for, whatever its
 * `.meta` says. Such a file is passed over; every other file is read exactly as a full scan
 * reads it, so the file a name selects is the same (decision 0019).
 */
import { type BigIntStats, statSync } from "node:fs";
import type { PluginDescriptorInfo, PluginKind } from "@memflow-ts/analyzer";
import { parsePluginName } from "../plugin-files/plugin-name.ts";
import { type DescriptorCache, descriptorCacheKey } from "./descriptor-cache.ts";

/** A plugin a chain names: its kind and its name as typed (a tag after `:` narrows only the choice). */
export interface WantedPlugin {
  readonly kind: PluginKind;
  readonly name: string;
}

/** A wanted plugin's kind and name without its tag: what a file's descriptors are held against. */
export interface WantedName {
  readonly kind: PluginKind;
  readonly name: string;
}

/** The names `wanted` asks for, tags dropped; made once per scan, not once per file. */
export function wantedNames(wanted: readonly WantedPlugin[]): WantedName[] {
  const names: WantedName[] = [];
  for (let index = 0; index < wanted.length; index += 1) {
    const { kind, name } = wanted[index] as WantedPlugin;
    names.push({ kind, name: parsePluginName(name).name });
  }
  return names;
}

/**
 * Whether the file at `path` (its canonical path `realPath`) can be passed over: the cache knows
 * its current descriptors and none is a wanted plugin. A file the cache does not know, or that
 * cannot be stat'ed, is not passed over: reading it says what it is, or records why not. `known`
 * is its stats when the caller found it a regular file (a listing's lstat); without them it is
 * stat'ed here. Plain loops, no call not needed: a scan runs this cold for every file.
 */
export function canPassOver(
  path: string,
  realPath: string,
  wanted: readonly WantedName[],
  cache: DescriptorCache,
  known?: BigIntStats,
): boolean {
  let stats = known;
  if (stats === undefined) {
    try {
      stats = statSync(path, { bigint: true });
    } catch {
      return false;
    }
    if (!stats.isFile()) return false;
  }
  return holdsNoneWanted(cache.get(descriptorCacheKey(realPath, stats)), wanted);
}

/**
 * Whether a file whose cached descriptors are `descriptors` (undefined: the cache does not know
 * its current contents) can be passed over: they are known and none is a wanted plugin. The
 * rule of `canPassOver`, for a caller that has made the file's cache key itself (a folder's scan,
 * which runs it cold for every file).
 */
export function holdsNoneWanted(
  descriptors: readonly PluginDescriptorInfo[] | undefined,
  wanted: readonly WantedName[],
): boolean {
  if (descriptors === undefined) return false;
  for (let index = 0; index < descriptors.length; index += 1) {
    const descriptor = descriptors[index] as PluginDescriptorInfo;
    for (let at = 0; at < wanted.length; at += 1) {
      const name = wanted[at] as WantedName;
      if (descriptor.plugin_kind === name.kind && descriptor.name === name.name) return false;
    }
  }
  return true;
}

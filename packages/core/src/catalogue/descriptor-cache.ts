/**
 * A cache of analysed descriptors for the Inventory, keyed by what identifies a file's contents
 * without reading it: path, device, inode, size, and modification and change times in
 * nanoseconds. Any write to the file changes its ctime, so a hit means the bytes are the ones
 * analysed. Analysing is most of what a scan costs (about 0.3 ms a file in a fresh process).
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";

export interface DescriptorCache {
  get(key: string): PluginDescriptorInfo[] | undefined;
  set(key: string, descriptors: PluginDescriptorInfo[]): void;
}

export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export function descriptorCacheKey(realPath: string, stats: FileIdentity): string {
  return `${realPath}\u0000${stats.dev}\u0000${stats.ino}\u0000${stats.size}\u0000${stats.mtimeNs}\u0000${stats.ctimeNs}`;
}

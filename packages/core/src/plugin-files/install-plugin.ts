/**
 * Installing a plugin as memflowup does: the library under memflowup's name for it
 * (`libmemflow_<name>_<digest7>.so`, after its first descriptor) and its `.meta` beside it, each
 * written durably (a temporary file, flushed, renamed into place, the folder flushed), the
 * library before the `.meta` that names it, so no reader ever sees half of either or a `.meta`
 * naming a missing file.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { replaceFileDurably, syncDirectory } from "./durable-file.ts";
import { formatPluginMetadata, metaPathFor, type PluginMetadata } from "./plugin-metadata.ts";
import { installedFileName } from "./plugin-paths.ts";
import type { HostPlatform } from "./plugin-target.ts";

export interface InstallPluginOptions {
  /** The plugin folder (memflowup's is `userPluginDirectory(...)`); created when missing. */
  readonly directory: string;
  readonly metadata: PluginMetadata;
  /** The library's bytes; omitted to write only the `.meta` of an installed library. */
  readonly bytes?: Uint8Array | undefined;
  /** Which platform's file name to give it. */
  readonly platform: HostPlatform;
  /** The name in the file name (default: the first descriptor's, as memflowup names it). */
  readonly name?: string | undefined;
  /** Whether to write the `.meta` (default true); without one memflow orders the plugin by its file time. */
  readonly meta?: boolean;
}

export interface InstalledPlugin {
  readonly path: string;
  /** Undefined when no `.meta` was written. */
  readonly metaPath: string | undefined;
}

/**
 * Installs the library and its `.meta`. Throws Node's file error when a write fails (nothing
 * half-written is left behind), or (Other, InvalidPath) for a descriptor name that is no file name.
 */
export function installPlugin(options: InstallPluginOptions): InstalledPlugin {
  const { directory, metadata, bytes, platform } = options;
  const name = options.name ?? metadata.descriptors[0]?.name ?? "unknown";
  const fileName = installedFileName(name, metadata.digest, platform);
  const path = join(directory, fileName);
  const metaPath = metaPathFor(path);
  mkdirSync(directory, { recursive: true });
  if (bytes !== undefined) replaceFileDurably(path, bytes);
  const writeMeta = options.meta !== false;
  if (writeMeta) replaceFileDurably(metaPath, formatPluginMetadata(metadata));
  syncDirectory(directory);
  return { path, metaPath: writeMeta ? metaPath : undefined };
}

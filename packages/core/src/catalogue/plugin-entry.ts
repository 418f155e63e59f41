/**
 * What a catalogue holds: the plugins it accepted, the files and descriptors it refused and
 * why, and the directories it searched.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import type { MemflowError } from "../error.ts";
import type { CreatedAt } from "../plugin-files/created-at.ts";
import type { PluginMetadata } from "../plugin-files/plugin-metadata.ts";

export interface PluginEntry {
  /** `file` for a plugin library; `builtin` for a TypeScript plugin given to `register`. */
  readonly origin: "file" | "builtin";
  /** The path it was found at (`builtin:<name>` for a registered plugin). */
  readonly path: string;
  /** Symlinks and `..` resolved: the identity of the file. */
  readonly realPath: string;
  readonly createdAt: CreatedAt;
  /** Where `createdAt` came from: the `.meta` sidecar, else the file's birth or modification time. */
  readonly createdAtSource: "meta" | "birthtime" | "mtime";
  /** The fields of its `.meta` that could be read; undefined without a `.meta`. */
  readonly meta: Partial<PluginMetadata> | undefined;
  /** The descriptors this host can use; others are in `rejected()`. */
  readonly descriptors: readonly PluginDescriptorInfo[];
}

export interface RejectedPlugin {
  readonly path: string;
  /** Set when one descriptor of an otherwise usable file was refused. */
  readonly exportName?: string;
  readonly error: MemflowError;
}

export interface SearchedDirectory {
  readonly path: string;
  /** Why it could not be read (commonly: it does not exist). */
  readonly error?: MemflowError;
  /** The names it held when it was listed, in name order; undefined when it could not be read. */
  readonly names?: readonly string[];
}

/** A found plugin with a matching descriptor. */
export interface PluginMatch {
  readonly entry: PluginEntry;
  readonly descriptor: PluginDescriptorInfo;
}

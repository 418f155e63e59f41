/**
 * Putting a checked upload in place, in an order that leaves nothing wrong after a crash at any
 * point: a marker names the digest being committed; the `.plugin` appears complete under its name
 * (written to a temporary file, flushed, renamed); the `.meta` is created exclusively, so of two
 * identical uploads exactly one is "Added"; the folder is flushed once, for both names; then the
 * marker goes. Two fsyncs in all: the `.plugin`'s bytes and the folder. The `.meta`'s bytes are
 * not flushed: its text is committed to the index durably (the caller's `index`, PluginIndex.put
 * with it) before the marker goes and the upload is answered, and start-up rewrites a `.meta` a
 * crash left missing, empty or torn from there (unflushed-meta.ts). Synchronous: over HTTP it runs in the upload worker, off the event loop.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFileDurably, replaceFileDurably, syncDirectory } from "@memflow-ts/core/install";
import { formatPluginMetadata, type PluginMetadata } from "@memflow-ts/core/plugin-files";
import { committingMarkerName, temporaryName } from "./storage-layout.ts";

/**
 * The upload's bytes in memory, or a finished temporary file in the storage folder to rename
 * (`flushed`: its bytes are on disk already, as the receiving side fsynced it).
 */
export type UploadSource =
  | { readonly bytes: Uint8Array }
  | { readonly temporaryPath: string; readonly flushed: boolean };

export interface CommitResult {
  /** False when an identical upload got there first ("AlreadyExists"). */
  added: boolean;
  /** The new `.meta`'s mtime, for the index. */
  metaMtimeMs: number;
  /** The new `.meta`'s text, not flushed to disk: the index keeps it until start-up has (PluginIndex.put). */
  metaText: string;
}

/** Flushes a finished file's bytes to disk. */
export function flushFile(path: string): void {
  const descriptor = openSync(path, "r");
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Commits an upload; `index` adds its index row (with the `.meta`'s text, durably) while the
 * marker still stands, so a crash before that commit leaves the marker: start-up then removes an
 * upload whose `.meta` it cannot read and the index cannot restore (index-sync.ts).
 */
export function commitUpload(
  root: string,
  source: UploadSource,
  meta: PluginMetadata,
  index: (committed: CommitResult) => void,
): CommitResult {
  const pluginPath = join(root, `${meta.digest}.plugin`);
  const metaPath = join(root, `${meta.digest}.meta`);
  const marker = join(root, committingMarkerName(meta.digest));
  writeFileSync(marker, "");
  try {
    // A `.meta` without its `.plugin` is a leftover (memflow-registry's deletes leave them): every
    // writer puts the `.plugin` first, so none is in the middle of writing this one.
    if (!existsSync(pluginPath)) rmSync(metaPath, { force: true });
    // Identical bytes under the same name: replacing a twin's finished `.plugin` changes nothing.
    // Until the folder is flushed below, a crash may keep either name without the other: a
    // `.plugin` alone is imported at start-up, a `.meta` alone is a leftover (above). Neither was answered yet.
    if ("bytes" in source) {
      replaceFileDurably(pluginPath, source.bytes, { temporaryName, syncFolder: false });
    } else {
      if (!source.flushed) flushFile(source.temporaryPath);
      renameSync(source.temporaryPath, pluginPath);
    }
    const metaText = formatPluginMetadata(meta, "compact");
    const added = createFileDurably(metaPath, metaText, { temporaryName, syncFolder: false, syncData: false });
    syncDirectory(root);
    const committed = { added, metaMtimeMs: added ? statSync(metaPath).mtimeMs : 0, metaText };
    if (added) index(committed);
    return committed;
  } finally {
    rmSync(marker, { force: true });
  }
}

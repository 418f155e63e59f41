/**
 * Start-up's check of the `.meta` files uploads wrote without an fsync of their own (commit-upload.ts):
 * each is compared, byte for byte, with the text the index committed durably for it
 * (PluginIndex.put); one a crash left missing, empty or torn is written again from there. Every
 * one is then flushed (its bytes, and the folder once), and the index forgets the texts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { replaceFileDurably, syncDirectory } from "@memflow-ts/core/install";
import { flushFile } from "./commit-upload.ts";
import type { PluginIndex } from "./plugin-index.ts";
import { temporaryName } from "./storage-layout.ts";
import { isFileError } from "./stored-metadata.ts";

/** The file's bytes, or undefined when it is not there. */
function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if (isFileError(error) && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Checks and flushes every unflushed `.meta` of the folder `root` whose `.plugin` is among
 * `names` (the folder's listing; a restored `.meta` is added to it). Returns the digests whose
 * `.meta` was written again, for the log.
 */
export function restoreUnflushedMetas(root: string, index: PluginIndex, names: Set<string>): string[] {
  const unflushed = index.unflushedMetas();
  if (unflushed.size === 0) return [];
  const restored: string[] = [];
  for (const [digest, text] of unflushed) {
    // Without its `.plugin` the upload is gone (deleted, or never completed): reconcile drops the row.
    if (!names.has(`${digest}.plugin`)) continue;
    const name = `${digest}.meta`;
    const path = join(root, name);
    const expected = Buffer.from(text, "utf8");
    const stored = readIfPresent(path);
    if (stored?.equals(expected)) {
      flushFile(path);
      continue;
    }
    replaceFileDurably(path, expected, { temporaryName, syncFolder: false });
    names.add(name);
    restored.push(digest);
  }
  syncDirectory(root);
  index.flushed(unflushed.keys());
  return restored;
}

/**
 * Replacing a file so that no reader ever sees half of it: the data goes to a hidden temporary
 * file beside it, is flushed to disk, and is renamed over the target. Temporary names end in
 * `TEMPORARY_SUFFIX`, which neither memflow's scan (`*.so`) nor memflowup's listing (`*.meta`)
 * looks at; `plugins clean` removes any an interrupted write left.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const TEMPORARY_SUFFIX = ".memflow-ts-partial";

/** Writes `data` to `path` atomically and durably; throws Node's error, leaving no temporary file. */
export function writeFileAtomically(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temporary = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}${TEMPORARY_SUFFIX}`);
  try {
    const descriptor = openSync(temporary, "wx", mode);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let written = 0;
      while (written < bytes.byteLength) written += writeSync(descriptor, bytes, written, bytes.byteLength - written);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Flushes a directory's entries (the renames into it); a no-op where directories cannot be opened. */
export function syncDirectory(directory: string): void {
  try {
    const descriptor = openSync(directory, "r");
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Windows cannot open a directory; the renames still happened.
  }
}

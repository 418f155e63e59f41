/**
 * File writes that survive a crash at any point: data goes to a temporary file in the same
 * folder, is flushed to disk, and only then appears under its final name (rename or link),
 * after which the folder itself is flushed so the new name is durable too.
 */
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Prefix of temporary files; start-up removes any a crash left behind. */
export const TEMPORARY_PREFIX = ".incoming-";

function writeTemporary(path: string, data: Uint8Array | string): string {
  const temporary = join(dirname(path), `${TEMPORARY_PREFIX}${process.pid}-${crypto.randomUUID()}-${basename(path)}`);
  const fd = openSync(temporary, "wx", 0o644);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(fd, bytes, written, bytes.byteLength - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  return temporary;
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically and durably. */
export function replaceDurably(path: string, data: Uint8Array | string): void {
  const temporary = writeTemporary(path, data);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/**
 * Creates `path` with `data` only if nothing has that name yet, atomically and durably; false
 * when another writer (another request, or another process on the same folder) got there first.
 */
export function createDurably(path: string, data: Uint8Array | string): boolean {
  const temporary = writeTemporary(path, data);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  syncFolder(dirname(path));
  return true;
}

/**
 * File writes that survive a crash at any point: the data goes to a temporary file in the same
 * folder and is flushed to disk; only then does it appear under its final name (a rename, or an
 * exclusive link), after which the folder is flushed so the name is durable too. Readers never
 * see half a file. Used for everything memflow-ts writes that other tools read: plugins,
 * `.meta` files, memflowup's config.json, the registry's storage.
 */
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface DurableWriteOptions {
  /** Permissions of a new file (default 0o644). */
  readonly mode?: number;
  /**
   * The temporary file's name, from the final one: callers pick names their own clean-up
   * recognises (default `.<name>.<random>` and TEMPORARY_SUFFIX).
   */
  readonly temporaryName?: (finalName: string) => string;
  /**
   * Flush the folder after the name appears (default true). A caller writing several files into
   * one folder passes false and calls `syncDirectory` once after the last, before it reports success.
   */
  readonly syncFolder?: boolean;
  /**
   * Flush the file's bytes before the name appears (default true). False only where the bytes are
   * kept durably elsewhere and a damaged file is rewritten from there after a crash (the registry's
   * `.meta`, whose text its index commits): the name still never shows half a file while running.
   */
  readonly syncData?: boolean;
}

/**
 * How every temporary file ends: neither memflow's scan (`*.so`) nor memflowup's listing
 * (`*.meta`) looks at it, and `memflow-ts plugins clean` removes any an interrupted write left.
 */
export const TEMPORARY_SUFFIX = ".memflow-ts-partial";

function defaultTemporaryName(finalName: string): string {
  return `.${finalName}.${crypto.randomUUID().slice(0, 8)}${TEMPORARY_SUFFIX}`;
}

function writeTemporary(path: string, data: string | Uint8Array, options: DurableWriteOptions): string {
  const name = (options.temporaryName ?? defaultTemporaryName)(basename(path));
  const temporary = join(dirname(path), name);
  const descriptor = openSync(temporary, "wx", options.mode ?? 0o644);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(descriptor, bytes, written, bytes.byteLength - written);
    if (options.syncData !== false) fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  return temporary;
}

/** Flushes a folder's entries (the renames into it); a no-op where folders cannot be opened (Windows). */
export function syncDirectory(directory: string): void {
  let descriptor: number;
  try {
    descriptor = openSync(directory, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** Writes `data` to `path`, replacing what was there; throws Node's error, leaving no temporary file. */
export function replaceFileDurably(path: string, data: string | Uint8Array, options: DurableWriteOptions = {}): void {
  const temporary = writeTemporary(path, data, options);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  if (options.syncFolder !== false) syncDirectory(dirname(path));
}

/**
 * Creates `path` with `data` only if nothing has that name yet; false when another writer (in
 * this process or another) got there first.
 */
export function createFileDurably(path: string, data: string | Uint8Array, options: DurableWriteOptions = {}): boolean {
  const temporary = writeTemporary(path, data, options);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  if (options.syncFolder !== false) syncDirectory(dirname(path));
  return true;
}

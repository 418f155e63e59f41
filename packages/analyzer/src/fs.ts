/**
 * `@memflow-ts/analyzer/fs`: analyze a file on disk by path. Uses `node:fs`, which Node and Bun
 * both provide; the main entry of the package imports no runtime module.
 *
 * The reader uses synchronous positioned reads: a plugin needs a few small reads, and a
 * thread-pool round trip per read costs more than the read itself (see
 * docs/decisions/0002-analyzer-reads-on-demand.md).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { analyzeFile as analyzeReader, analyzeFileSync as analyzeSyncReader } from "./analyze.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import type { RandomAccessReader, SyncRandomAccessReader } from "./drive.ts";

/** A reader over an open file; `close()` it when done. */
export interface FileReader extends SyncRandomAccessReader {
  /** Bytes read so far, for callers that measure. */
  readonly bytesRead: number;
  /** Read calls so far. */
  readonly reads: number;
  close(): void;
}

export function openFileReader(path: string): FileReader {
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  let bytesRead = 0;
  let reads = 0;
  let open = true;
  return {
    size,
    get bytesRead() {
      return bytesRead;
    },
    get reads() {
      return reads;
    },
    read(offset, length) {
      if (!open) throw new Error(`read from ${path} after close()`);
      // Every byte is overwritten below (or cut off), so skip zero-filling.
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const got = readSync(fd, buffer, filled, length - filled, offset + filled);
        if (got === 0) break;
        filled += got;
      }
      bytesRead += filled;
      reads += 1;
      // A plain Uint8Array view, not a Buffer: the parsers then see one typed-array shape only.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** Analyzes the file at `path`, or the file behind a reader, reading only what it needs. */
export async function analyzeFile(source: string | RandomAccessReader): Promise<PluginDescriptorInfo[]> {
  return typeof source === "string" ? analyzeFileSync(source) : analyzeReader(source);
}

/** `analyzeFile(path)` without a promise: the reads are synchronous anyway. */
export function analyzeFileSync(path: string): PluginDescriptorInfo[] {
  const reader = openFileReader(path);
  try {
    return analyzeSyncReader(reader);
  } finally {
    reader.close();
  }
}

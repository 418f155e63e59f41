/**
 * `@memflow-ts/analyzer/fs`: analyze a file on disk by path. Uses `node:fs`, which Node and Bun
 * both provide; the main entry of the package imports no runtime module.
 */
import { open } from "node:fs/promises";
import { analyzeFile as analyzeReader } from "./analyze.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import type { RandomAccessReader } from "./drive.ts";

/** A reader over an open file; `close()` it when done. */
export interface FileReader extends RandomAccessReader {
  /** How many bytes have been read so far, for callers that measure. */
  readonly bytesRead: number;
  readonly reads: number;
  close(): Promise<void>;
}

export async function openFileReader(path: string): Promise<FileReader> {
  const handle = await open(path, "r");
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  let bytesRead = 0;
  let reads = 0;
  return {
    size,
    get bytesRead() {
      return bytesRead;
    },
    get reads() {
      return reads;
    },
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead: got } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (got === 0) break;
        filled += got;
      }
      bytesRead += filled;
      reads += 1;
      return buffer.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** Analyzes the file at `path`, or the file behind a reader, reading only what it needs. */
export async function analyzeFile(source: string | RandomAccessReader): Promise<PluginDescriptorInfo[]> {
  if (typeof source !== "string") return analyzeReader(source);
  const reader = await openFileReader(source);
  try {
    return await analyzeReader(reader);
  } finally {
    await reader.close();
  }
}

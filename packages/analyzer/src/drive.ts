/**
 * Runs a parser over bytes in memory, or over a random-access reader by fetching what it asks
 * for and running it again until it needs nothing more. Parsing costs microseconds and a plugin
 * needs a handful of ranges, so the re-runs are cheap next to the reads they save.
 */
import { type Chunk, chunkOf } from "./bytes.ts";
import { AnalyzeError, fail } from "./errors.ts";
import { type ByteSource, FileWindow, NeedBytes } from "./file-window.ts";

/** Random access to a file: its size, and any byte range of it. */
export interface RandomAccessReader {
  readonly size: number;
  /** Returns exactly `length` bytes at `offset`; the analyzer never asks for bytes past `size`. */
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
}

export type Parser<T> = (window: FileWindow) => T;

export function runSync<T>(parse: Parser<T>, bytes: Uint8Array): T {
  const chunk = chunkOf(bytes);
  const source: ByteSource = { locate: (offset) => ({ chunk, start: offset }) };
  return parse(new FileWindow(source, 0, bytes.length));
}

/**
 * The smallest read issued to the reader. Headers, symbol tables and strings of a plugin sit in
 * a few clusters, so rounding small requests up turns many tiny reads into few.
 */
const MIN_READ = 4096;
/** Files this small are read whole in one go: one read beats several. */
const READ_WHOLE_BELOW = 64 * 1024;
/** A parser asks for a handful of ranges; this many means a bug, not a file. */
const MAX_FETCHES = 4096;

/** The ranges fetched so far, serving any request that lies inside one of them. */
class FetchedRanges implements ByteSource {
  readonly #chunks: { offset: number; chunk: Chunk }[] = [];

  locate(offset: number, length: number): { chunk: Chunk; start: number } {
    for (const { offset: chunkOffset, chunk } of this.#chunks) {
      const start = offset - chunkOffset;
      if (start >= 0 && start + length <= chunk.bytes.length) return { chunk, start };
    }
    throw new NeedBytes(offset, length);
  }

  add(offset: number, bytes: Uint8Array): void {
    this.#chunks.push({ offset, chunk: chunkOf(bytes) });
  }
}

export async function runAsync<T>(parse: Parser<T>, reader: RandomAccessReader): Promise<T> {
  const fetched = new FetchedRanges();
  const fetch = async (offset: number, length: number) => {
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(offset, length);
    } catch (error) {
      throw new AnalyzeError("truncated", offset, `reading ${length} bytes failed`, { cause: error });
    }
    if (!(bytes instanceof Uint8Array) || bytes.length < length) {
      throw fail("truncated", offset, `the reader returned fewer than the ${length} bytes asked for`);
    }
    fetched.add(offset, bytes);
  };
  if (reader.size > 0 && reader.size < READ_WHOLE_BELOW) await fetch(0, reader.size);
  for (let attempt = 0; attempt < MAX_FETCHES; attempt += 1) {
    try {
      return parse(new FileWindow(fetched, 0, reader.size));
    } catch (error) {
      if (!(error instanceof NeedBytes)) throw error;
      await fetch(error.offset, Math.min(Math.max(error.length, MIN_READ), reader.size - error.offset));
    }
  }
  throw fail("malformed", 0, `the file needed more than ${MAX_FETCHES} separate reads`);
}

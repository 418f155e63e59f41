/**
 * Runs a parser (see `file-window.ts`) to completion: synchronously over bytes in memory, or
 * asynchronously over a random-access reader.
 */
import { AnalyzeError, fail } from "./errors.ts";
import type { Parse, ReadRequest } from "./file-window.ts";

/** Random access to a file: its size, and any byte range of it. */
export interface RandomAccessReader {
  readonly size: number;
  /** Returns exactly `length` bytes at `offset`; the analyzer never asks for bytes past `size`. */
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
}

export function runSync<T>(parse: Parse<T>, bytes: Uint8Array): T {
  let step = parse.next();
  while (!step.done) {
    const { offset, length } = step.value;
    step = parse.next(bytes.subarray(offset, offset + length));
  }
  return step.value;
}

/**
 * The smallest read issued to the reader. Headers, symbol tables and strings of a plugin sit in
 * a few clusters, so rounding small requests up to this size turns many tiny reads into few.
 */
const MIN_READ = 4096;

/** Remembers what was read, so neighbouring requests are served without another read. */
class ReadCache {
  readonly #reader: RandomAccessReader;
  readonly #chunks: { offset: number; bytes: Uint8Array }[] = [];

  constructor(reader: RandomAccessReader) {
    this.#reader = reader;
  }

  async get({ offset, length }: ReadRequest): Promise<Uint8Array> {
    for (const chunk of this.#chunks) {
      if (offset >= chunk.offset && offset + length <= chunk.offset + chunk.bytes.length) {
        return chunk.bytes.subarray(offset - chunk.offset, offset - chunk.offset + length);
      }
    }
    const fetchLength = Math.min(Math.max(length, MIN_READ), this.#reader.size - offset);
    let bytes: Uint8Array;
    try {
      bytes = await this.#reader.read(offset, fetchLength);
    } catch (error) {
      throw new AnalyzeError("truncated", offset, `reading ${fetchLength} bytes failed`, { cause: error });
    }
    if (!(bytes instanceof Uint8Array) || bytes.length < length) {
      throw fail("truncated", offset, `the reader returned fewer than the ${length} bytes asked for`);
    }
    this.#chunks.push({ offset, bytes });
    return bytes.subarray(0, length);
  }
}

export async function runAsync<T>(parse: Parse<T>, reader: RandomAccessReader): Promise<T> {
  const cache = new ReadCache(reader);
  let step = parse.next();
  while (!step.done) {
    step = parse.next(await cache.get(step.value));
  }
  return step.value;
}

/**
 * Runs a parser over bytes in memory, or over a random-access reader whose reads may return
 * promises, by fetching what it asks for and running it again until it needs nothing more: a
 * synchronous parser cannot wait for a promise (decision 0002). A reader whose reads return at
 * once needs no re-runs: `read-on-demand.ts` reads each range when it is asked for.
 */
import { type Chunk, chunkOf } from "./bytes.ts";
import {
  checked,
  coalesce,
  FetchedRanges,
  FIRST_READ,
  MAX_ROUNDS,
  readFailed,
  readFrom,
  tooManyRounds,
} from "./fetched-ranges.ts";
import { type ByteSource, FileWindow, NeedBytes, type Range } from "./file-window.ts";

/** Random access to a file: its size, and any byte range of it. */
export interface RandomAccessReader {
  readonly size: number;
  /** Returns exactly `length` bytes at `offset`; the analyzer never asks for bytes past `size`. */
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
}

export type Parser<T> = (window: FileWindow) => T;

/** The whole file in memory: every range is at hand. */
class WholeFile implements ByteSource {
  readonly complete = true;
  private readonly chunk: Chunk;

  constructor(bytes: Uint8Array) {
    this.chunk = chunkOf(bytes);
  }

  locate(): Chunk {
    return this.chunk;
  }

  /** Never asked: a complete source stops `prefetch` before it gets here. */
  need(): void {}

  has(): boolean {
    return true;
  }
}

/** Runs `parse` once over bytes in memory. */
export function runSync<T>(parse: Parser<T>, bytes: Uint8Array): T {
  return parse(new FileWindow(new WholeFile(bytes), 0, bytes.length));
}

/** Whether `await` would wait for `value` (a promise, or any object with a `then` method). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** How the driver gets checked bytes: at once, or (from an asynchronous reader) as a promise. */
type Fetch = (offset: number, length: number) => Uint8Array | Promise<Uint8Array>;

/**
 * Runs `parse` until it stops asking for bytes, fetching each range it asks for. It goes on
 * synchronously while `fetch` returns bytes, and resumes after the promise when it returns one,
 * so a reader that answers some reads at once (a cache) costs no promise for those.
 */
function drive<T>(parse: Parser<T>, size: number, fetch: Fetch): T | Promise<T> {
  const fetched = new FetchedRanges();
  const memos = new Map<string, unknown>();
  // Nothing asks for the first read: every format starts with the headers it holds.
  let wanted: readonly Range[] = size > 0 ? [{ offset: 0, length: FIRST_READ }] : [];
  let runs = 0;
  const resume = (): T | Promise<T> => {
    for (;;) {
      // A round's reads are independent: all are issued before any is waited for.
      const reads = coalesce(wanted, size);
      wanted = [];
      const arriving: (Uint8Array | Promise<Uint8Array>)[] = [];
      let waiting = false;
      for (let index = 0; index < reads.length; index += 1) {
        const read = reads[index] as Range;
        const bytes = fetch(read.offset, read.length);
        if (bytes instanceof Promise) waiting = true;
        arriving.push(bytes);
      }
      if (waiting) {
        return Promise.all(arriving).then((arrived) => {
          for (const [index, bytes] of arrived.entries()) fetched.add(reads[index]?.offset ?? 0, bytes);
          return resume();
        });
      }
      for (let index = 0; index < reads.length; index += 1) {
        fetched.add((reads[index] as Range).offset, arriving[index] as Uint8Array);
      }
      if (runs === MAX_ROUNDS) throw tooManyRounds();
      runs += 1;
      fetched.takeDeferred();
      try {
        return parse(new FileWindow(fetched, 0, size, memos));
      } catch (error) {
        if (!(error instanceof NeedBytes)) throw error;
        const deferred = fetched.takeDeferred();
        wanted = deferred.length > 0 ? error.ranges.concat(deferred) : error.ranges;
      }
    }
  };
  return resume();
}

/** Runs `parse` over a reader whose reads may return promises. */
export async function runAsync<T>(parse: Parser<T>, reader: RandomAccessReader): Promise<T> {
  return drive(parse, reader.size, (offset, length) => {
    const bytes = readFrom(reader, offset, length);
    if (!isThenable(bytes)) return checked(offset, length, bytes);
    return Promise.resolve(bytes).then(
      (arrived) => checked(offset, length, arrived),
      (error: unknown) => {
        throw readFailed(offset, length, error);
      },
    );
  });
}

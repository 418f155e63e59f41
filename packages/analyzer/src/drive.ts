/**
 * Runs a parser over bytes in memory, or over a random-access reader by fetching what it asks
 * for and running it again until it needs nothing more. Parsing costs microseconds and a plugin
 * needs a handful of ranges, so the re-runs are cheap next to the reads they save.
 */
import { type Chunk, chunkOf } from "./bytes.ts";
import { AnalyzeError, fail } from "./errors.ts";
import { type ByteSource, FileWindow, NeedBytes, type Range } from "./file-window.ts";

/** Random access to a file: its size, and any byte range of it. */
export interface RandomAccessReader {
  readonly size: number;
  /** Returns exactly `length` bytes at `offset`; the analyzer never asks for bytes past `size`. */
  read(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
}

export type Parser<T> = (window: FileWindow) => T;

export function runSync<T>(parse: Parser<T>, bytes: Uint8Array): T {
  const chunk = chunkOf(bytes);
  const source: ByteSource = { locate: () => chunk, has: () => true, complete: true };
  return parse(new FileWindow(source, 0, bytes.length));
}

/**
 * The smallest read issued to the reader. Headers, symbol tables and strings of a plugin sit in
 * a few clusters, so rounding small requests up turns many tiny reads into few.
 */
const MIN_READ = 4096;
/**
 * The first read. The headers and, in most plugins, the dynamic symbol and string tables sit at
 * the start of the file; reading them together saves a parse re-run per table.
 */
const FIRST_READ = 16 * 1024;
/** A parser asks for a handful of ranges; this many means a bug, not a file. */
const MAX_FETCHES = 4096;

/** The ranges fetched so far, serving any request that lies inside one of them. */
class FetchedRanges implements ByteSource {
  readonly complete = false;
  private readonly chunks: Chunk[] = [];
  /** Ranges the running parser will want later (`FileWindow.prefetchLater`), for the next round. */
  private deferred: Range[] = [];
  /** The chunk the last lookup found: a parser reads one table after another from the same read. */
  private last: Chunk | undefined;

  locate(offset: number, length: number): Chunk {
    const found = this.find(offset, length);
    if (found === undefined) throw new NeedBytes([{ offset, length }]);
    return found;
  }

  has(offset: number, length: number): boolean {
    return this.find(offset, length) !== undefined;
  }

  // An indexed loop, not for-of with destructuring: most calls run before the JIT has compiled
  // this, where the iterator protocol costs several calls per chunk.
  private find(offset: number, length: number): Chunk | undefined {
    const last = this.last;
    if (last !== undefined && offset >= last.offset && offset + length <= last.end) return last;
    const chunks = this.chunks;
    for (let index = 0; index < chunks.length; index += 1) {
      const candidate = chunks[index] as Chunk;
      if (offset >= candidate.offset && offset + length <= candidate.end) {
        this.last = candidate;
        return candidate;
      }
    }
    return undefined;
  }

  defer(ranges: readonly Range[]): void {
    for (let index = 0; index < ranges.length; index += 1) this.deferred.push(ranges[index] as Range);
  }

  /** The deferred ranges, handed over once: each run of the parser names its own again. */
  takeDeferred(): Range[] {
    const deferred = this.deferred;
    this.deferred = [];
    return deferred;
  }

  add(offset: number, bytes: Uint8Array): void {
    this.chunks.push(chunkOf(bytes, offset));
  }
}

function readFailed(offset: number, length: number, error: unknown): AnalyzeError {
  return new AnalyzeError("truncated", offset, `reading ${length} bytes failed`, { cause: error });
}

/** Refuses a short or mistyped read, so the parsers may trust every range they get. */
function checked(offset: number, length: number, bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length < length) {
    throw fail("truncated", offset, `the reader returned fewer than the ${length} bytes asked for`);
  }
  return bytes;
}

/**
 * The reads that fetch a round's ranges: each at least MIN_READ, never past the end, and ranges
 * that start within (or just after) a read merged into it, so neighbours (a descriptor's three
 * strings, adjacent relocation blocks) cost one read, not one each. Ranges already fetched are
 * left out. Plain loops: a scan runs this a few times per file, mostly before the JIT has
 * compiled it, where array callbacks cost more than the reads they plan.
 */
function coalesce(wanted: readonly Range[], fetched: FetchedRanges, size: number): Range[] {
  const missing: Range[] = [];
  for (let index = 0; index < wanted.length; index += 1) {
    const range = wanted[index] as Range;
    if (!fetched.has(range.offset, range.length)) missing.push(range);
  }
  if (missing.length > 1) missing.sort(byOffset);
  const reads: { offset: number; length: number }[] = [];
  for (let index = 0; index < missing.length; index += 1) {
    const range = missing[index] as Range;
    const last = reads[reads.length - 1];
    const end = range.offset + range.length;
    if (last !== undefined && range.offset <= last.offset + last.length + MIN_READ) {
      last.length = Math.min(Math.max(last.length, end - last.offset), size - last.offset);
      continue;
    }
    reads.push({ offset: range.offset, length: Math.min(Math.max(range.length, MIN_READ), size - range.offset) });
  }
  return reads;
}

function byOffset(a: Range, b: Range): number {
  return a.offset - b.offset;
}

/** Asks the reader for a range; a reader that throws has failed the read. */
function readFrom<R>(reader: { read(offset: number, length: number): R }, offset: number, length: number): R {
  try {
    return reader.read(offset, length);
  } catch (error) {
    throw readFailed(offset, length, error);
  }
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
 * Runs `parse` until it stops asking for bytes, fetching each range it asks for. The loop is the
 * same for every reader: it goes on synchronously while `fetch` returns bytes, and resumes after
 * the promise when it returns one, so a synchronous reader costs no promise per read.
 */
function drive<T>(parse: Parser<T>, size: number, fetch: (offset: number, length: number) => Uint8Array): T;
function drive<T>(parse: Parser<T>, size: number, fetch: Fetch): T | Promise<T>;
function drive<T>(parse: Parser<T>, size: number, fetch: Fetch): T | Promise<T> {
  const fetched = new FetchedRanges();
  const memos = new Map<string, unknown>();
  // Nothing asks for the first read: every format starts with the headers it holds.
  let wanted: readonly Range[] = size > 0 ? [{ offset: 0, length: FIRST_READ }] : [];
  let runs = 0;
  const resume = (): T | Promise<T> => {
    for (;;) {
      // A round's reads are independent: all are issued before any is waited for.
      const reads = coalesce(wanted, fetched, size);
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
      if (runs === MAX_FETCHES) throw fail("malformed", 0, `the file needed more than ${MAX_FETCHES} separate reads`);
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

/** A reader whose reads return at once (a local file read with positioned reads). */
export interface SyncRandomAccessReader {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** The same as runAsync for a synchronous reader, without a promise anywhere. */
export function runBlocking<T>(parse: Parser<T>, reader: SyncRandomAccessReader): T {
  return drive(parse, reader.size, (offset, length) => checked(offset, length, readFrom(reader, offset, length)));
}

/**
 * The bytes a driver has read from a reader so far, and how it turns the ranges a parser wants
 * into reads. Both drivers keep them here: the re-running one (`drive.ts`) and the one that
 * reads on demand (`read-on-demand.ts`), so both issue the same reads for the same parser.
 */
import { type Chunk, chunkOf } from "./bytes.ts";
import { AnalyzeError, fail } from "./errors.ts";
import { type ByteSource, NeedBytes, type Range } from "./file-window.ts";

/**
 * The smallest read issued to the reader. Headers, symbol tables and strings of a plugin sit in
 * a few clusters, so rounding small requests up turns many tiny reads into few.
 */
export const MIN_READ = 4096;
/**
 * The first read. The headers and, in most plugins, the dynamic symbol and string tables sit at
 * the start of the file; reading them together saves a round of reads per table.
 */
export const FIRST_READ = 16 * 1024;
/** A parser asks for a handful of rounds of reads; this many means a bug, not a file. */
export const MAX_ROUNDS = 4096;

/** The error for a parser that asked for a round of reads MAX_ROUNDS times. */
export function tooManyRounds(): AnalyzeError {
  return fail("malformed", 0, `the file needed more than ${MAX_ROUNDS} separate reads`);
}

/**
 * The ranges fetched so far, serving any request that lies inside one of them. A range not
 * fetched yet throws `NeedBytes` for the driver to fetch between runs; the subclass in
 * `read-on-demand.ts` reads it on the spot instead.
 */
export class FetchedRanges implements ByteSource {
  readonly complete = false;
  private readonly chunks: Chunk[] = [];
  /** Ranges the running parser will want later (`FileWindow.prefetchLater`), for the next round. */
  private deferred: Range[] = [];
  /** The chunk the last lookup found: a parser reads one table after another from the same read. */
  private last: Chunk | undefined;

  locate(offset: number, length: number): Chunk {
    // The last chunk found, tested here rather than through `find`: most reads land in it, and
    // a call costs more than the test before the JIT has compiled this.
    const last = this.last;
    if (last !== undefined && offset >= last.offset && offset + length <= last.end) return last;
    return this.find(offset, length) ?? this.missing(offset, length);
  }

  /** A range not fetched yet: the re-running driver fetches it between runs. */
  protected missing(offset: number, length: number): Chunk {
    throw new NeedBytes([{ offset, length }]);
  }

  need(ranges: readonly Range[]): void {
    throw new NeedBytes(ranges);
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

  /** The deferred ranges, handed over once: they go with the round being planned. */
  takeDeferred(): Range[] {
    const deferred = this.deferred;
    if (deferred.length > 0) this.deferred = [];
    return deferred;
  }

  add(offset: number, bytes: Uint8Array): void {
    this.chunks.push(chunkOf(bytes, offset));
  }
}

export function readFailed(offset: number, length: number, error: unknown): AnalyzeError {
  return new AnalyzeError("truncated", offset, `reading ${length} bytes failed`, { cause: error });
}

/** Refuses a short or mistyped read, so the parsers may trust every range they get. */
export function checked(offset: number, length: number, bytes: unknown): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length < length) {
    throw fail("truncated", offset, `the reader returned fewer than the ${length} bytes asked for`);
  }
  return bytes;
}

/** Asks the reader for a range; a reader that throws has failed the read. */
export function readFrom<R>(reader: { read(offset: number, length: number): R }, offset: number, length: number): R {
  try {
    return reader.read(offset, length);
  } catch (error) {
    throw readFailed(offset, length, error);
  }
}

/**
 * The reads that fetch a round's ranges: each at least MIN_READ, never past the end, and ranges
 * that start within (or just after) a read merged into it, so neighbours (a descriptor's three
 * strings, adjacent relocation blocks) cost one read, not one each. Ranges already fetched are
 * left out. Plain loops: a scan runs this a few times per file, mostly before the JIT has
 * compiled it, where array callbacks cost more than the reads they plan.
 */
export function coalesce(wanted: readonly Range[], fetched: FetchedRanges, size: number): Range[] {
  // One range (a read that found nothing, the first read): nothing to sort or merge.
  if (wanted.length === 1) {
    const range = wanted[0] as Range;
    return fetched.has(range.offset, range.length) ? [] : [roundedUp(range, size)];
  }
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
    reads.push(roundedUp(range, size));
  }
  return reads;
}

/** The read for a range: at least MIN_READ, but never past the end. */
function roundedUp(range: Range, size: number): { offset: number; length: number } {
  return { offset: range.offset, length: Math.min(Math.max(range.length, MIN_READ), size - range.offset) };
}

function byOffset(a: Range, b: Range): number {
  return a.offset - b.offset;
}

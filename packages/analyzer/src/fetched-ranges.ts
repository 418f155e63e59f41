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
 * strings, adjacent relocation blocks) cost one read, not one each. None of the ranges is at hand:
 * each was missing when the parser named it, and no round has been read since (a round takes
 * every range named for later). Plain loops, no sort callback: a scan runs this a few times per
 * file, mostly before the JIT has compiled it, where the built-in sort calling back into
 * JavaScript for every comparison cost more than the rest of the planning.
 */
export function coalesce(wanted: readonly Range[], size: number): Range[] {
  // One range (a read that found nothing, the first read): nothing to sort or merge.
  if (wanted.length === 1) return [roundedUp(wanted[0] as Range, size)];
  const sorted = byOffset(wanted);
  const reads: { offset: number; length: number }[] = [];
  let last: { offset: number; length: number } | undefined;
  for (let index = 0; index < sorted.length; index += 1) {
    const range = sorted[index] as Range;
    if (last !== undefined && range.offset <= last.offset + last.length + MIN_READ) {
      const reach = range.offset + range.length - last.offset;
      const room = size - last.offset;
      if (reach > last.length) last.length = Math.min(reach, room);
      continue;
    }
    last = roundedUp(range, size);
    reads.push(last);
  }
  return reads;
}

/** The read for a range: at least MIN_READ, but never past the end. */
function roundedUp(range: Range, size: number): { offset: number; length: number } {
  return { offset: range.offset, length: Math.min(Math.max(range.length, MIN_READ), size - range.offset) };
}

/**
 * The ranges in order of offset, ties kept in the order given (as `Array.prototype.sort` keeps
 * them). A round names a handful, which an insertion sort orders without a callback per
 * comparison; many (a file with many descriptors) go to the built-in sort.
 */
function byOffset(ranges: readonly Range[]): Range[] {
  const sorted = ranges.slice();
  if (sorted.length > 16) return sorted.sort((a, b) => a.offset - b.offset);
  for (let index = 1; index < sorted.length; index += 1) {
    const range = sorted[index] as Range;
    let at = index;
    for (; at > 0 && (sorted[at - 1] as Range).offset > range.offset; at -= 1) sorted[at] = sorted[at - 1] as Range;
    sorted[at] = range;
  }
  return sorted;
}

/**
 * How a parser reads the file. Parsers are plain synchronous functions that ask a FileWindow for
 * byte ranges. Over bytes in memory every range is there at once. Over a synchronous reader
 * (`analyzeFileSync`) a range not fetched yet is read on the spot (`read-on-demand.ts`). Over a
 * reader that may return promises (`analyzeFile`) it throws `NeedBytes`; the driver fetches it
 * and runs the parser again, so parsers never await (see `drive.ts`).
 */
import { type Chunk, chunkOf, Fields } from "./bytes.ts";
import { type AnalyzeError, type AnalyzeErrorKind, fail } from "./errors.ts";

/** Where a parser's bytes come from: the whole file in memory, or what has been fetched so far. */
export interface ByteSource {
  /** The chunk holding `length` bytes at absolute `offset`: at hand, read now, or throws NeedBytes. */
  locate(offset: number, length: number): Chunk;
  /**
   * Fetches ranges the parser is about to read, none of them at hand: reads them now, or throws
   * NeedBytes for a driver that fetches between runs.
   */
  need(ranges: readonly Range[]): void;
  /** Whether `locate` would succeed without fetching. */
  has(offset: number, length: number): boolean;
  /** True when every byte of the file is at hand, so prefetching has nothing to do. */
  readonly complete: boolean;
  /** Keeps ranges to fetch with the next round of reads, whatever asks for that round. */
  defer?(ranges: readonly Range[]): void;
}

/** A byte range of the file, by absolute offset. */
export interface Range {
  readonly offset: number;
  readonly length: number;
}

const EMPTY = chunkOf(new Uint8Array(0));

/** Ranges a parser names for `prefetch`, as `[offset, length]`; `undefined` entries are skipped. */
export type PrefetchRanges = readonly (readonly [offset: number, length: number] | undefined)[];

/** Thrown by a ByteSource for ranges it does not hold yet. Never escapes the analyzer. */
export class NeedBytes {
  constructor(readonly ranges: readonly Range[]) {}
}

/**
 * A part of the file a parser works on: the whole file, or one slice of a fat Mach-O. Offsets
 * given to it are relative to its start; it refuses to ask for bytes outside itself.
 */
export class FileWindow {
  readonly source: ByteSource;
  readonly base: number;
  readonly size: number;
  private readonly memos: Map<string, unknown> | undefined;

  /**
   * `memos` outlives a run: the re-running driver keeps it across re-runs of the same analysis.
   * Without it (bytes in memory, a synchronous reader) the parser runs once and `memo` computes.
   */
  constructor(source: ByteSource, base: number, size: number, memos?: Map<string, unknown>) {
    this.source = source;
    this.base = base;
    this.size = size;
    this.memos = memos;
  }

  /**
   * The result of a parsing stage, computed once per run of the parser and, under the
   * re-running driver, once per analysis: when a later stage needs bytes that are not fetched
   * yet, the re-run resumes here instead of parsing everything again. A stage that throws (for
   * bytes, or an error) is not remembered. Results must not be mutated. A parser that asks for
   * a stage more than once per run keeps the result itself.
   */
  memo<T>(stage: string, compute: () => T): T {
    const memos = this.memos;
    // Nothing re-runs: a Map per file and three lookups per stage would buy nothing.
    if (memos === undefined) return compute();
    // The whole file (base 0) keys stages by name alone: no string built per call.
    const key = this.base === 0 ? stage : `${this.base}:${stage}`;
    const known = memos.get(key);
    if (known !== undefined || memos.has(key)) return known as T;
    const value = compute();
    memos.set(key, value);
    return value;
  }

  contains(offset: number, length: number): boolean {
    // Within [0, size] an integer is a safe integer; `% 1` tests it without a call.
    return offset >= 0 && length >= 0 && offset + length <= this.size && offset % 1 === 0;
  }

  /**
   * Reads `length` bytes at `offset`. `kind` says what it means when they are not in the file:
   * `truncated` for the format's own headers and tables, `out-of-bounds` for places a value in
   * the file points at.
   */
  read(offset: number, length: number, little: boolean, kind: AnalyzeErrorKind, what: string): Fields {
    // `contains`, inline: every field table of a scan passes here, mostly in the interpreter.
    // Within [0, size], an integer offset is a safe integer.
    if (!(offset >= 0 && length >= 0 && offset + length <= this.size && offset % 1 === 0)) {
      throw this.outside(offset, length, kind, what);
    }
    if (length === 0) return new Fields(EMPTY, 0, 0, little, this.base + offset);
    const at = this.base + offset;
    const chunk = this.source.locate(at, length);
    return new Fields(chunk, at - chunk.offset, length, little, at);
  }

  /**
   * The error for a range outside the window. Kept out of `read`, which the JIT compiles into
   * every parser that calls it: the message's code would be compiled there too.
   */
  private outside(offset: number, length: number, kind: AnalyzeErrorKind, what: string): AnalyzeError {
    const at = this.base + Math.max(0, Math.min(Number.isFinite(offset) ? offset : this.size, this.size));
    const reason = kind === "truncated" ? "the file ends before" : "the file does not contain";
    return fail(kind, at, `${reason} ${what} (${length} bytes at 0x${offset.toString(16)})`);
  }

  /** Whether `read` would return these bytes now, without fetching. */
  has(offset: number, length: number): boolean {
    return this.contains(offset, length) && this.source.has(this.base + offset, length);
  }

  /**
   * Says which ranges the parser is about to read, so that a reader fetches them in one round
   * instead of a round (and, under the re-running driver, a re-run) each. Ranges outside the
   * window are left for `read` to report.
   */
  prefetch(wanted: PrefetchRanges | (() => PrefetchRanges)): void {
    if (this.source.complete) return;
    const missing = this.missing(wanted);
    if (missing.length > 0) this.source.need(missing);
  }

  /**
   * Says which ranges the parser will read later, without asking for them now: they come with
   * the next round of reads, whatever part of the parser asks for it. Bytes needed soon but not
   * yet (a descriptor, while its relocations are still being searched) then cost no round of
   * their own, and no re-run.
   */
  prefetchLater(wanted: PrefetchRanges | (() => PrefetchRanges)): void {
    if (this.source.complete || this.source.defer === undefined) return;
    const missing = this.missing(wanted);
    if (missing.length > 0) this.source.defer(missing);
  }

  // TypeScript's `private`, not `#`: a `#` method pays a brand check per call in the interpreter.
  private missing(wanted: PrefetchRanges | (() => PrefetchRanges)): Range[] {
    // A function is called only here, so bytes in memory never pay for working the ranges out.
    const ranges = typeof wanted === "function" ? wanted() : wanted;
    const missing: Range[] = [];
    // An indexed loop without destructuring: this runs on every re-run, mostly interpreted.
    for (let index = 0; index < ranges.length; index += 1) {
      const range = ranges[index];
      if (range === undefined) continue;
      const offset = range[0];
      const length = range[1];
      // `contains`, inline (see `read`).
      if (
        length > 0 &&
        offset >= 0 &&
        offset + length <= this.size &&
        offset % 1 === 0 &&
        !this.source.has(this.base + offset, length)
      ) {
        missing.push({ offset: this.base + offset, length });
      }
    }
    return missing;
  }

  /** A window over `[offset, offset + size)` of this one (a fat Mach-O slice). */
  sub(offset: number, size: number, what: string): FileWindow {
    if (!this.contains(offset, size)) {
      // Only the universal header carves slices; a slice past the end means the file was cut short.
      throw fail(
        "truncated",
        this.base + Math.min(Math.max(offset, 0), this.size),
        `${what} extends past the end of the file`,
      );
    }
    return new FileWindow(this.source, this.base + offset, size, this.memos);
  }
}

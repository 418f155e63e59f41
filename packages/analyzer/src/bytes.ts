/**
 * The parsers never index into raw bytes directly. They ask for a range of the file (see
 * `file-window.ts`) and read fields out of it through `Fields`, which knows the byte order and
 * turns every out-of-range access into an AnalyzeError instead of a RangeError.
 */
import { type AnalyzeErrorKind, fail } from "./errors.ts";

/**
 * Bytes of the file held in memory, the file offset of their first byte, and a DataView over
 * their buffer (`viewStart` is where they begin in it).
 */
export interface Chunk {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly viewStart: number;
  readonly offset: number;
  /**
   * The file offset just past the bytes. A number to compare against: a typed array's `length`
   * takes the interpreter's slow path (about ten times a plain property), and a fresh scan
   * asks where bytes are on every read.
   */
  readonly end: number;
}

/**
 * One DataView per buffer, not per chunk: creating a view costs more than a whole table's field
 * reads in the interpreter, and a scan's reads share a buffer (the file reader's arena). Weak,
 * so a caller's buffer is not kept alive by the analyzer.
 */
const views = new WeakMap<ArrayBufferLike, DataView>();

export function chunkOf(bytes: Uint8Array, offset = 0): Chunk {
  let view = views.get(bytes.buffer);
  if (view === undefined) {
    view = new DataView(bytes.buffer);
    views.set(bytes.buffer, view);
  }
  return { bytes, view, viewStart: bytes.byteOffset, offset, end: offset + bytes.length };
}

/** A range of a Chunk, read with one byte order. */
export class Fields {
  private readonly chunk: Chunk;
  private readonly start: number;
  /** Where `start` is in the chunk's DataView. */
  private readonly viewAt: number;
  readonly length: number;
  readonly little: boolean;
  /** Where the first byte sits in the whole file, for error messages. */
  readonly fileOffset: number;

  constructor(chunk: Chunk, start: number, length: number, little: boolean, fileOffset: number) {
    this.chunk = chunk;
    this.start = start;
    this.viewAt = chunk.viewStart + start;
    this.length = length;
    this.little = little;
    this.fileOffset = fileOffset;
  }

  /** The bytes themselves (a view, not a copy). */
  get bytes(): Uint8Array {
    return this.chunk.bytes.subarray(this.start, this.start + this.length);
  }

  /**
   * Throws unless `[at, at + size)` lies inside these bytes. Every field read passes here, most
   * of them before the JIT has compiled anything (a scan is a fresh process): plain arithmetic
   * only, no call on the way (`at % 1` is 0 for integers, NaN for NaN and ±Infinity).
   */
  check(at: number, size: number, kind: AnalyzeErrorKind = "malformed", what = "field"): void {
    if (at >= 0 && size >= 0 && at + size <= this.length && at % 1 === 0) return;
    throw fail(kind, this.fileOffset + Math.max(0, Math.min(at, this.length)), `${what} lies outside its table`);
  }

  // The reads below repeat `check`'s test inline instead of calling it: a fresh scan runs most of
  // them in the interpreter, where the call costs more than the read. A failing test calls
  // `check`, which throws its error.
  u8(at: number): number {
    if (!(at >= 0 && at + 1 <= this.length && at % 1 === 0)) this.check(at, 1);
    return this.chunk.bytes[this.start + at] ?? 0;
  }

  // Byte-wise reads, not DataView calls: once compiled, JSC inlines typed-array loads but still
  // calls DataView's getters (a warm scan spent a sixth more instructions through them).
  u16(at: number): number {
    if (!(at >= 0 && at + 2 <= this.length && at % 1 === 0)) this.check(at, 2);
    const bytes = this.chunk.bytes;
    const index = this.start + at;
    const first = bytes[index] ?? 0;
    const second = bytes[index + 1] ?? 0;
    return this.little ? first | (second << 8) : (first << 8) | second;
  }

  u32(at: number): number {
    if (!(at >= 0 && at + 4 <= this.length && at % 1 === 0)) this.check(at, 4);
    const bytes = this.chunk.bytes;
    const index = this.start + at;
    const b0 = bytes[index] ?? 0;
    const b1 = bytes[index + 1] ?? 0;
    const b2 = bytes[index + 2] ?? 0;
    const b3 = bytes[index + 3] ?? 0;
    return (this.little ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  }

  i32(at: number): number {
    return this.u32(at) | 0;
  }

  u64(at: number): bigint {
    if (!(at >= 0 && at + 8 <= this.length && at % 1 === 0)) this.check(at, 8);
    return this.chunk.view.getBigUint64(this.viewAt + at, this.little);
  }

  /**
   * A 64-bit file offset, size or count as a number, without a BigInt on the way; values beyond
   * 2^53 cannot describe any file and are out-of-bounds.
   */
  offset64(at: number, what: string): number {
    // Assembled here rather than from two `u32` calls: on a 64-bit ELF every address, offset and
    // relocation target comes through this, most of them in the interpreter, where the calls
    // would cost more than the bytes.
    if (!(at >= 0 && at + 8 <= this.length && at % 1 === 0)) return this.halves(at, what);
    const bytes = this.chunk.bytes;
    const index = this.start + at;
    const little = this.little;
    const b0 = bytes[index] ?? 0;
    const b1 = bytes[index + 1] ?? 0;
    const b2 = bytes[index + 2] ?? 0;
    const b3 = bytes[index + 3] ?? 0;
    const b4 = bytes[index + 4] ?? 0;
    const b5 = bytes[index + 5] ?? 0;
    const b6 = bytes[index + 6] ?? 0;
    const b7 = bytes[index + 7] ?? 0;
    const low = little ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b4 << 24) | (b5 << 16) | (b6 << 8) | b7;
    const high = little ? b4 | (b5 << 8) | (b6 << 16) | (b7 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
    // `>>> 0` on each half: the top byte shifted left makes a negative int32.
    if (high >>> 0 > 0x1fffff) throw fail("out-of-bounds", this.fileOffset + at, `${what} is beyond any file`);
    return (high >>> 0) * 0x1_0000_0000 + (low >>> 0);
  }

  /** `offset64` from two `u32` reads, for a range not wholly inside: it throws the error the first read outside meets. */
  private halves(at: number, what: string): number {
    const low = this.u32(at + (this.little ? 0 : 4));
    const high = this.u32(at + (this.little ? 4 : 0));
    if (high > 0x1fffff) throw fail("out-of-bounds", this.fileOffset + at, `${what} is beyond any file`);
    return high * 0x1_0000_0000 + low;
  }

  /** An unsigned pointer-sized value as a number (8 bytes when `wide`); beyond 2^53 is out-of-bounds. */
  uword(at: number, wide: boolean, what: string): number {
    return wide ? this.offset64(at, what) : this.u32(at);
  }

  /** A signed pointer-sized value (a relocation addend) as a number. */
  sword(at: number, wide: boolean, what: string): number {
    if (!wide) return this.i32(at);
    const low = this.u32(at + (this.little ? 0 : 4));
    const high = this.i32(at + (this.little ? 4 : 0));
    if (high > 0x1fffff || high < -0x200000)
      throw fail("out-of-bounds", this.fileOffset + at, `${what} is beyond 2^53`);
    return high * 0x1_0000_0000 + low;
  }

  /** A pointer-sized unsigned value: 8 bytes when `wide`, else 4. */
  word(at: number, wide: boolean): bigint {
    return wide ? this.u64(at) : BigInt(this.u32(at));
  }

  /** The NUL-terminated byte string starting at `at`, without the NUL. */
  cString(at: number, what: string): Uint8Array {
    this.check(at, 0, "out-of-bounds", what);
    const bytes = this.chunk.bytes;
    const limit = this.start + this.length;
    const end = bytes.indexOf(0, this.start + at);
    if (end < 0 || end >= limit) throw fail("malformed", this.fileOffset + at, `${what} is not NUL-terminated`);
    return bytes.subarray(this.start + at, end);
  }

  /** A sub-range of these bytes, with the same byte order. */
  slice(at: number, size: number, kind: AnalyzeErrorKind, what: string): Fields {
    this.check(at, size, kind, what);
    return new Fields(this.chunk, this.start + at, size, this.little, this.fileOffset + at);
  }
}

/**
 * The parsers never index into raw bytes directly. They ask for a range of the file (see
 * `file-window.ts`) and read fields out of it through `Fields`, which knows the byte order and
 * turns every out-of-range access into an AnalyzeError instead of a RangeError.
 */
import { type AnalyzeErrorKind, fail } from "./errors.ts";

export class Fields {
  readonly bytes: Uint8Array;
  readonly little: boolean;
  /** Where `bytes[0]` sits in the whole file, for error messages. */
  readonly fileOffset: number;
  readonly #view: DataView;

  constructor(bytes: Uint8Array, little: boolean, fileOffset: number) {
    this.bytes = bytes;
    this.little = little;
    this.fileOffset = fileOffset;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless `[at, at + size)` lies inside these bytes. */
  check(at: number, size: number, kind: AnalyzeErrorKind = "malformed", what = "field"): void {
    if (!Number.isSafeInteger(at) || at < 0 || size < 0 || at + size > this.bytes.length) {
      throw fail(
        kind,
        this.fileOffset + Math.max(0, Math.min(at, this.bytes.length)),
        `${what} lies outside its table`,
      );
    }
  }

  u8(at: number): number {
    this.check(at, 1);
    return this.#view.getUint8(at);
  }

  u16(at: number): number {
    this.check(at, 2);
    return this.#view.getUint16(at, this.little);
  }

  u32(at: number): number {
    this.check(at, 4);
    return this.#view.getUint32(at, this.little);
  }

  i32(at: number): number {
    this.check(at, 4);
    return this.#view.getInt32(at, this.little);
  }

  u64(at: number): bigint {
    this.check(at, 8);
    return this.#view.getBigUint64(at, this.little);
  }

  /** A pointer-sized unsigned value: 8 bytes when `wide`, else 4. */
  word(at: number, wide: boolean): bigint {
    return wide ? this.u64(at) : BigInt(this.u32(at));
  }

  /** The NUL-terminated byte string starting at `at`, without the NUL. */
  cString(at: number, what: string): Uint8Array {
    this.check(at, 0, "out-of-bounds", what);
    const end = this.bytes.indexOf(0, at);
    if (end < 0) throw fail("malformed", this.fileOffset + at, `${what} is not NUL-terminated`);
    return this.bytes.subarray(at, end);
  }

  /** A sub-range of these bytes, with the same byte order. */
  slice(at: number, size: number, kind: AnalyzeErrorKind, what: string): Fields {
    this.check(at, size, kind, what);
    return new Fields(this.bytes.subarray(at, at + size), this.little, this.fileOffset + at);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A file offset or size read as 64 bits, as a number; absurd values are an error, not a lossy float. */
export function toNumber(value: bigint, fileOffset: number, what: string): number {
  if (value > MAX_SAFE) throw fail("out-of-bounds", fileOffset, `${what} 0x${value.toString(16)} is beyond any file`);
  return Number(value);
}

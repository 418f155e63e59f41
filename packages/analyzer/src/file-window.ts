/**
 * How a parser reads the file. Parsers are generators: they yield a ReadRequest and receive the
 * bytes back. The same parser then runs synchronously over a Uint8Array (`parseDescriptors`) or
 * asynchronously over a random-access reader that fetches only the ranges asked for
 * (`analyzeFile`). See `drive.ts`.
 */
import { Fields } from "./bytes.ts";
import { type AnalyzeErrorKind, fail } from "./errors.ts";

export interface ReadRequest {
  /** Absolute file offset. */
  readonly offset: number;
  readonly length: number;
}

export type Parse<T> = Generator<ReadRequest, T, Uint8Array>;

/**
 * A part of the file a parser works on: the whole file, or one slice of a fat Mach-O. Offsets
 * given to it are relative to its start; it refuses to ask for bytes outside itself.
 */
export class FileWindow {
  readonly base: number;
  readonly size: number;

  constructor(base: number, size: number) {
    this.base = base;
    this.size = size;
  }

  contains(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  /**
   * Reads `length` bytes at `offset`. `kind` says what it means when they are not in the file:
   * `truncated` for the format's own headers and tables, `out-of-bounds` for places a value in
   * the file points at.
   */
  *read(offset: number, length: number, little: boolean, kind: AnalyzeErrorKind, what: string): Parse<Fields> {
    if (!this.contains(offset, length)) {
      const at = this.base + Math.max(0, Math.min(Number.isFinite(offset) ? offset : this.size, this.size));
      const reason = kind === "truncated" ? "the file ends before" : "the file does not contain";
      throw fail(kind, at, `${reason} ${what} (${length} bytes at 0x${offset.toString(16)})`);
    }
    if (length === 0) return new Fields(new Uint8Array(0), little, this.base + offset);
    const bytes = yield { offset: this.base + offset, length };
    if (bytes.length !== length) {
      throw fail("truncated", this.base + offset, `the reader returned ${bytes.length} of ${length} bytes of ${what}`);
    }
    return new Fields(bytes, little, this.base + offset);
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
    return new FileWindow(this.base + offset, size);
  }
}

/**
 * The one error type the analyzer throws. Every failure names what went wrong (`kind`) and the
 * file offset it concerns, so a caller can report "offset 0x1f40: string is not UTF-8" instead
 * of a stack trace.
 */

export type AnalyzeErrorKind =
  /** Not an ELF, PE or Mach-O file at all. */
  | "bad-magic"
  /** A header or table runs past the end of the file. */
  | "truncated"
  /** Values that contradict each other or the format (bad entry size, a cycle in a trie). */
  | "malformed"
  /** A valid file using something the analyzer does not handle (a Mach-O archive slice, a bind on a string pointer). */
  | "unsupported"
  /** A descriptor string that is not UTF-8. */
  | "encoding"
  /** A pointer or reference that leads outside the file. */
  | "out-of-bounds"
  /** Something the file promises but does not contain (a null string pointer with a length, an unmapped address). */
  | "not-found";

export class AnalyzeError extends Error {
  override readonly name = "AnalyzeError";
  readonly kind: AnalyzeErrorKind;
  /** The file offset the error concerns (for a fat Mach-O: in the whole file). */
  readonly offset: number;

  constructor(kind: AnalyzeErrorKind, offset: number, message: string, options?: { cause?: unknown }) {
    super(`${message} (at file offset 0x${offset.toString(16)})`, options);
    this.kind = kind;
    this.offset = offset;
  }
}

/** Shorthand used by the parsers: `throw fail("malformed", at, "...")`. */
export function fail(kind: AnalyzeErrorKind, offset: number, message: string): AnalyzeError {
  return new AnalyzeError(kind, offset, message);
}

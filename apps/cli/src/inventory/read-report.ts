/**
 * What `read` and `dump` say about what they read: the line on stderr that names the ranges that
 * could not be read (a warning, or with --strict a failure), and the raw bytes written to a file
 * atomically (a temporary file renamed into place).
 */
import { replaceFileDurably } from "@memflow-ts/core/install";
import { printable } from "@memflow-ts/core/plugin-files";
import { CliFailure, fileProblem } from "../failure.ts";
import type { CliContext } from "../io.ts";
import { colorEnabled, paint } from "../output.ts";
import { formatAddress } from "./numbers.ts";
import type { Gap, PartialRead } from "./partial-read.ts";

/** Gaps named on stderr; the rest are counted. */
const GAPS_SHOWN = 8;

/** `0x400000-0x40000f, 0x500000-0x5fffff` (inclusive ends), the first few and how many more. */
function gapList(start: bigint, gaps: readonly Gap[]): string {
  const shown = gaps.slice(0, GAPS_SHOWN).map((gap) => {
    const first = start + BigInt(gap.offset);
    return `${formatAddress(first)}-${formatAddress(first + BigInt(gap.length - 1))}`;
  });
  const more = gaps.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** `[-] 16 of 32 bytes could not be read (<label>): <ranges>; <where>`, `[X]` when strict. */
export function reportGaps(
  context: CliContext,
  read: PartialRead,
  start: bigint,
  label: string,
  where: string,
  strict: boolean,
) {
  const mark = strict ? paint(colorEnabled(context.stderr, context.env), "[X]", "bold", "red") : "[-]";
  // The label names the plugin as it names itself.
  context.stderr.write(
    `${mark} ${printable(`${read.missing} of ${read.bytes.length} bytes could not be read (${label}): ${gapList(start, read.gaps)}; ${where}`)}\n`,
  );
}

/** Writes `bytes` to `path` atomically; a failure says what to do. */
export function writeOut(path: string, bytes: Uint8Array): void {
  try {
    replaceFileDurably(path, bytes);
  } catch (error) {
    throw new CliFailure(
      `could not write ${path}: ${fileProblem(error)}`,
      ["Check that the directory exists and is writable, or pick another --out."],
      { cause: error },
    );
  }
}

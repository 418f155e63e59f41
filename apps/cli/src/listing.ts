/**
 * memflowup's listing columns: widths, the CREATED form (chrono's Display of a NaiveDateTime,
 * `2024-04-06 20:05:10.121026023`), and the header rows of its tables.
 */
import { createdAtFromNanoseconds, parseCreatedAt, printable } from "@memflow-ts/core/plugin-files";

/** NAME VERSION ARCH ABI DIGEST DIGEST_LONG CREATED, as memflowup pads them. */
export const VERSION_COLUMNS = [16, 16, 12, 4, 8, 65] as const;
export const VERSION_HEADER = ["NAME", "VERSION", "ARCH", "ABI", "DIGEST", "DIGEST_LONG", "CREATED"] as const;

/** chrono's Display: a space for the `T`, and 0, 3, 6 or 9 fraction digits. Unparsable text is shown as is. */
export function createdLabel(text: string): string {
  const parsed = parseCreatedAt(text);
  const canonical = parsed === undefined ? text : createdAtFromNanoseconds(parsed.nanoseconds).text;
  return canonical.replace("T", " ");
}

/** The 7-digit short digest memflowup shows and puts in file names. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 7);
}

/**
 * An aside to stderr (`[-] …`), so that a table or JSON on stdout stays clean; silent with
 * --quiet. One line: it names files and plugins, so every control character is escaped.
 */
export function note(stderr: { write(text: string): void }, quiet: boolean, message: string): void {
  if (!quiet) stderr.write(`[-] ${printable(message)}\n`);
}

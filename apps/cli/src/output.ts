/**
 * memflowup's console conventions: `[=]` success, `[-]` information or skip, `[X]` failure,
 * coloured only when a person is watching (a terminal, and no NO_COLOR), and fixed-width tables
 * with memflowup's column widths. Messages and table cells are made printable: they hold names,
 * versions and paths read from plugins, `.meta` files and registries. Line breaks in a message
 * stay (a hexdump, a compiler's output), so whoever puts a name from outside into a one-line
 * message escapes it first (`printable`), line breaks included.
 */
import { isPrintable, printable, printableLines } from "@memflow-ts/core/plugin-files";
import type { CliContext, OutputStream } from "./io.ts";

export interface Printer {
  success(message: string): void;
  info(message: string): void;
  failure(message: string): void;
  /** Plain text to stdout, unless `--quiet`. */
  line(text?: string): void;
  /** Machine output to stdout, even with `--quiet`. */
  json(value: unknown): void;
  readonly color: boolean;
}

const CODES = { green: "32", yellow: "33", red: "31", dim: "2", bold: "1", cyan: "36" } as const;
export type Color = keyof typeof CODES;

export function colorEnabled(stream: OutputStream, env: CliContext["env"]): boolean {
  return stream.isTTY && env.NO_COLOR === undefined && env.TERM !== "dumb";
}

export function paint(enabled: boolean, text: string, ...colors: Color[]): string {
  if (!enabled || colors.length === 0) return text;
  return `\x1b[${colors.map((color) => CODES[color]).join(";")}m${text}\x1b[0m`;
}

/** Text for the terminal: control characters escaped, line breaks and tabs kept. */
const shown = printableLines;

export function printer(context: CliContext, options: { quiet?: boolean } = {}): Printer {
  const color = colorEnabled(context.stdout, context.env);
  const errColor = colorEnabled(context.stderr, context.env);
  const quiet = options.quiet ?? false;
  return {
    color,
    success: (message) => {
      if (!quiet) context.stdout.write(`${paint(color, "[=]", "bold", "green")} ${shown(message)}\n`);
    },
    info: (message) => {
      if (!quiet) context.stdout.write(`${paint(color, "[-]", "bold", "yellow")} ${shown(message)}\n`);
    },
    failure: (message) => context.stderr.write(`${paint(errColor, "[X]", "bold", "red")} ${shown(message)}\n`),
    line: (text = "") => {
      if (!quiet) context.stdout.write(`${shown(text)}\n`);
    },
    json: (value) => context.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/**
 * Rows padded to fixed widths, as memflowup prints them (`{:<16}`); a value longer than its
 * column pushes the rest right, as Rust's padding does. The last column is never padded.
 */
export function formatTable(widths: readonly number[], rows: readonly (readonly string[])[]): string {
  // One look at all the text first (padding adds only spaces): escaping cell by cell costs a
  // listing of 200 plugins about a millisecond of start-up, and almost no table holds a control
  // character.
  const plain = tableLines(widths, rows);
  const lines = isPrintable(plain.join(""))
    ? plain
    : tableLines(
        widths,
        rows.map((row) => row.map(printable)),
      );
  if (lines.length === 0) return "";
  // The last line break joined in too: text added to a joined table makes a rope, which the write
  // then copies flat (`ps`: 100 KB).
  lines.push("");
  return lines.join("\n");
}

/** Runs of spaces by length, each made once (read inline below: a call per cell costs, cold). */
const SPACES: string[] = [];

function spaces(count: number): string {
  SPACES[count] = " ".repeat(count);
  return SPACES[count];
}

/**
 * The rows, padded. Plain loops, and padding from SPACES rather than padEnd per cell: a listing
 * runs this once, before the JIT would warm up, where each call counts (`ps` pads 5,000 cells).
 * A line is its pieces joined once: adding them one by one made two ropes a cell, each
 * allocated and then copied flat by trimEnd, and `ps` paid for that memory in page faults.
 */
function tableLines(widths: readonly number[], rows: readonly (readonly string[])[]): string[] {
  const lines = new Array<string>(rows.length);
  const pieces: string[] = [];
  for (let at = 0; at < rows.length; at += 1) {
    const row = rows[at] as readonly string[];
    const last = row.length - 1;
    if (last < 0) {
      lines[at] = "";
      continue;
    }
    for (let index = 0; index < last; index += 1) {
      const cell = row[index] ?? "";
      const padding = (widths[index] ?? 0) - cell.length;
      const count = padding > 0 ? padding + 1 : 1;
      pieces[2 * index] = cell;
      pieces[2 * index + 1] = SPACES[count] ?? spaces(count);
    }
    pieces[2 * last] = row[last] ?? "";
    pieces.length = 2 * last + 1;
    lines[at] = pieces.join("").trimEnd();
  }
  return lines;
}

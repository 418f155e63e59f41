/**
 * memflow's quote-aware splitter (`split_str_args` in args.rs), to the letter: quotes `"`, `'`
 * and `` ` `` group text; a backslash before a quote keeps it from toggling but is not removed;
 * a part that starts and ends with the same quote loses the text outside its first and last
 * occurrence of that quote.
 */

import { MemflowError } from "../error.ts";

const QUOTES = "\"'`";

export function splitStrArgs(input: string, splitChar: string): string[] {
  if (splitChar.length !== 1 || QUOTES.includes(splitChar)) {
    throw new MemflowError(
      "Args",
      "InvalidArgument",
      `splitStrArgs splits on one non-quote character, not ${JSON.stringify(splitChar)}`,
    );
  }
  const parts: string[] = [];
  let quote: string | undefined;
  let previous = "\0";
  let start = 0;
  // Iterate by code point, as Rust iterates chars.
  let index = 0;
  for (const char of input) {
    if (QUOTES.includes(char) && previous !== "\\") {
      if (quote === char) quote = undefined;
      else if (quote === undefined) quote = char;
    }
    if (quote === undefined && char === splitChar) {
      parts.push(input.slice(start, index));
      start = index + char.length;
    }
    previous = char;
    index += char.length;
  }
  parts.push(input.slice(start));
  return parts.map(stripEnclosingQuotes);
}

function stripEnclosingQuotes(part: string): string {
  const first = part[0];
  if (first === undefined || !QUOTES.includes(first) || !part.endsWith(first)) return part;
  const afterFirst = part.slice(1);
  const last = afterFirst.lastIndexOf(first);
  return last < 0 ? "" : afterFirst.slice(0, last);
}

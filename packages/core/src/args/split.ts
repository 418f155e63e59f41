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
  // By code point, as Rust iterates chars; indexed, not `for…of` (a string iterator, compiled on
  // its first call: a command splits its chain's arguments once, cold).
  let index = 0;
  while (index < input.length) {
    const code = input.codePointAt(index) as number;
    const char = code > 0xffff ? input.slice(index, index + 2) : (input[index] as string);
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
  for (let at = 0; at < parts.length; at += 1) parts[at] = stripEnclosingQuotes(parts[at] as string);
  return parts;
}

function stripEnclosingQuotes(part: string): string {
  const first = part[0];
  if (first === undefined || !QUOTES.includes(first) || !part.endsWith(first)) return part;
  const afterFirst = part.slice(1);
  const last = afterFirst.lastIndexOf(first);
  return last < 0 ? "" : afterFirst.slice(0, last);
}

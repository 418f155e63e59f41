/**
 * Text from a plugin, a `.meta` or a registry, made safe to show on a terminal or in a log line:
 * control characters (which could move the cursor, recolour or retitle a terminal, or forge the
 * next line of a log) are shown as escapes instead of sent. Anyone can write a plugin's strings.
 */

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Whether the text has no control character: `printable` would return it as it is. */
export function isPrintable(text: string): boolean {
  CONTROL.lastIndex = 0;
  return !CONTROL.test(text);
}

/** The text with every control character escaped (`\x1b`, `\u2028`); other text, Unicode included, unchanged. */
export function printable(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** CONTROL without the line break and the tab, which printableLines keeps. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** `printable` for text of several lines (a compiler's output, a plugin's help): line breaks and tabs stay. */
export function printableLines(text: string): string {
  // Most text has nothing to escape: one test instead of splitting every message (a CLI prints
  // a few lines a command, each with code that has not run before in that process).
  if (!CONTROL_BUT_LINES.test(text)) return text;
  return text
    .split("\n")
    .map((line) => line.split("\t").map(printable).join("\t"))
    .join("\n");
}

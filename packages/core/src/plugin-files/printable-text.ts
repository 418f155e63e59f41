/**
 * Text from a plugin, a `.meta` or a registry, made safe to show on a terminal or in a log line:
 * control characters (which could move the cursor, recolour or retitle a terminal, or forge the
 * next line of a log) are shown as escapes instead of sent. Anyone can write a plugin's strings.
 */

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

export function printable(text: string): string {
  let result = "";
  for (const character of text) {
    const code = character.charCodeAt(0);
    if (!isControl(code)) result += character;
    else
      result += code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return result;
}

/** `printable` for text of several lines (a compiler's output, a plugin's help): line breaks and tabs stay. */
export function printableLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.split("\t").map(printable).join("\t"))
    .join("\n");
}

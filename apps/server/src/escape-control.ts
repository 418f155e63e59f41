/**
 * Text from a plugin made safe for a log line: control characters (a newline that forges the next
 * line, escape sequences that recolour or retitle a terminal tailing the log) are shown as
 * escapes instead of written.
 */

/** Everything except C0 and C1 controls, DEL and the Unicode line and paragraph separators. */
const CONTROL = /[^\u0020-\u007e\u00a0-\u2027\u202a-\u{10ffff}]/gu;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

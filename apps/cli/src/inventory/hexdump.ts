/**
 * The classic hexdump (`hexdump -C`): 16 bytes a line, the address, two groups of eight hex
 * bytes and the printable ASCII between bars. Addresses are 8 hex digits, 16 once the range
 * passes 4 GiB. Repeated lines are not folded: every line of the range is printed. Bytes that
 * could not be read (the gaps of a partial read) are `??`, and `?` in the ASCII column.
 */
import type { Gap } from "./partial-read.ts";

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
const ASCII = Array.from({ length: 256 }, (_, byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : "."));
const BLANK = "  ";

export function hexdump(bytes: Uint8Array, start: bigint, gaps: readonly Gap[] = []): string {
  if (bytes.length === 0) return "";
  const last = start + BigInt(bytes.length - 1);
  const width = last > 0xffff_ffffn ? 16 : 8;
  const lines: string[] = [];
  // Gaps are in order: the next one that may hold a byte of this line.
  let gap = 0;
  const unreadable = (index: number) => {
    while (gap < gaps.length && index >= (gaps[gap]?.offset ?? 0) + (gaps[gap]?.length ?? 0)) gap += 1;
    return gap < gaps.length && index >= (gaps[gap]?.offset ?? Number.POSITIVE_INFINITY);
  };
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const hex: string[] = [];
    let ascii = "";
    for (let column = 0; column < 16; column += 1) {
      const index = offset + column;
      if (index >= bytes.length) {
        hex.push(BLANK);
      } else if (unreadable(index)) {
        hex.push("??");
        ascii += "?";
      } else {
        const byte = bytes[index] ?? 0;
        hex.push(HEX[byte] ?? BLANK);
        ascii += ASCII[byte] ?? ".";
      }
    }
    const address = (start + BigInt(offset)).toString(16).padStart(width, "0");
    lines.push(`${address}  ${hex.slice(0, 8).join(" ")}  ${hex.slice(8).join(" ")}  |${ascii}|\n`);
  }
  return lines.join("");
}

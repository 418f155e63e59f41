/**
 * The classic hexdump: 16 bytes per line, the address, the bytes in two groups of eight, and
 * the printable ASCII beside them.
 */

export function formatHexdump(bytes: Uint8Array, baseAddress = 0n): string {
  const width = Math.max(8, (baseAddress + BigInt(bytes.byteLength)).toString(16).length);
  let text = "";
  for (let offset = 0; offset < bytes.byteLength; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = Array.from({ length: 16 }, (_, index) => {
      const byte = row[index];
      const cell = byte === undefined ? "  " : byte.toString(16).padStart(2, "0");
      return index === 8 ? ` ${cell}` : cell;
    }).join(" ");
    const ascii = Array.from(row, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".")).join("");
    text += `${(baseAddress + BigInt(offset)).toString(16).padStart(width, "0")}  ${hex}  |${ascii}|\n`;
  }
  return text;
}

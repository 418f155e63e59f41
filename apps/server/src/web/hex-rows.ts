/**
 * The rows of a hex view: 16 bytes each, with their address, hex and printable ASCII, and which
 * bytes could not be read (from a virtual read's unreadable stretches), so the page shows them
 * as such instead of as zeroes.
 */
import type { UnreadableJson } from "../inventory/os-schemas.ts";

export const ROW_BYTES = 16;

export interface HexCell {
  /** Two hex digits, or undefined for a byte that could not be read. */
  readonly hex: string | undefined;
  /** The character, `.` for an unprintable byte, undefined for an unreadable one. */
  readonly text: string | undefined;
}

export interface HexRow {
  readonly address: bigint;
  readonly cells: readonly HexCell[];
}

export function hexRows(address: bigint, bytes: Uint8Array, unreadable: UnreadableJson): HexRow[] {
  const missing = unreadable.map(({ address: start, length }) => [BigInt(start), BigInt(start) + BigInt(length)]);
  const readable = (at: bigint) => !missing.some(([start = 0n, end = 0n]) => at >= start && at < end);
  const rows: HexRow[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += ROW_BYTES) {
    const cells = [...bytes.subarray(offset, offset + ROW_BYTES)].map((byte, index): HexCell => {
      if (!readable(address + BigInt(offset + index))) return { hex: undefined, text: undefined };
      const text = byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".";
      return { hex: byte.toString(16).padStart(2, "0"), text };
    });
    rows.push({ address: address + BigInt(offset), cells });
  }
  return rows;
}

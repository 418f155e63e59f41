/** Unsigned LEB128, as used by Mach-O's export trie. */
import type { Fields } from "./bytes.ts";
import { fail } from "./errors.ts";

/** Reads a ULEB128 at `at`; returns the value and the offset just past it. */
export function readUleb(fields: Fields, at: number): { value: bigint; next: number } {
  // The first seven bytes (49 bits) are summed as a number, exactly: one BigInt per value
  // instead of three BigInt operations per byte, for a trie read once per file, interpreted.
  let sum = 0;
  let scale = 1;
  let offset = at;
  for (let count = 0; count < 7; count += 1) {
    if (offset >= fields.length) throw runsOff(fields, at);
    const byte = fields.u8(offset);
    offset += 1;
    sum += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) return { value: BigInt(sum), next: offset };
  }
  let value = BigInt(sum);
  let shift = 49n;
  for (;;) {
    if (offset >= fields.length) throw runsOff(fields, at);
    const byte = fields.u8(offset);
    offset += 1;
    if (shift < 64n) value |= BigInt(byte & 0x7f) << shift;
    else if ((byte & 0x7f) !== 0)
      throw fail("malformed", fields.fileOffset + at, "a ULEB128 number is wider than 64 bits");
    shift += 7n;
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, value), next: offset };
  }
}

function runsOff(fields: Fields, at: number) {
  return fail("malformed", fields.fileOffset + at, "a ULEB128 number runs off the end of its table");
}

/** Unsigned LEB128, as used by Mach-O's export trie. */
import type { Fields } from "./bytes.ts";
import { fail } from "./errors.ts";

/** Reads a ULEB128 at `at`; returns the value and the offset just past it. */
export function readUleb(fields: Fields, at: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let offset = at;
  for (;;) {
    if (offset >= fields.length)
      throw fail("malformed", fields.fileOffset + at, "a ULEB128 number runs off the end of its table");
    const byte = fields.u8(offset);
    offset += 1;
    if (shift < 64n) value |= BigInt(byte & 0x7f) << shift;
    else if ((byte & 0x7f) !== 0)
      throw fail("malformed", fields.fileOffset + at, "a ULEB128 number is wider than 64 bits");
    shift += 7n;
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, value), next: offset };
  }
}

/**
 * The byte order of a plugin file, read from its header. memflow runs only on little-endian
 * hosts and refuses big-endian files, yet the analyzer reads them (and labels a big-endian
 * AArch64 ELF `arm64`, as its e_machine says), so the registry records the order to keep such a
 * file from a host that asked for `arm64`.
 *
 * ELF says it in EI_DATA (byte 5); a thin Mach-O in the order its magic is stored in; PE is
 * always little-endian. A universal Mach-O is little-endian when any of its slices is, because
 * the loader picks the slice of its host.
 *
 * TODO(lead): the analyzer gains its own byte-order function (issue 13); switch to it then.
 */
import { closeSync, openSync, readSync } from "node:fs";

export type ByteOrder = "little" | "big";

export const BYTE_ORDERS: readonly ByteOrder[] = ["little", "big"];

/** Reads up to `length` bytes at `offset`; fewer (or none) past the end of the file. */
export type ReadAt = (offset: number, length: number) => Uint8Array;

const ELF_DATA_BIG = 2;
const MACHO_BIG = [0xfeedface, 0xfeedfacf];
const MACHO_LITTLE = [0xcefaedfe, 0xcffaedfe];
const FAT = [0xcafebabe, 0xcafebabf];
/** The analyzer's bound on universal slices (0xcafebabe also starts Java class files). */
const MAX_SLICES = 64;

function u32(bytes: Uint8Array, at: number): number | undefined {
  if (bytes.length < at + 4) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, false);
}

function fatByteOrder(read: ReadAt, wide: boolean): ByteOrder {
  const count = Math.min(u32(read(4, 4), 0) ?? 0, MAX_SLICES);
  const entrySize = wide ? 32 : 20;
  const table = read(8, count * entrySize);
  const orders: ByteOrder[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = index * entrySize;
    // A 64-bit table's offsets are u64; a plugin is far smaller than 4 GiB, so the low half is it.
    const offset = wide ? u32(table, at + 12) : u32(table, at + 8);
    if (offset === undefined) break;
    const magic = u32(read(offset, 4), 0);
    if (magic !== undefined && MACHO_BIG.includes(magic)) orders.push("big");
    else if (magic !== undefined && MACHO_LITTLE.includes(magic)) orders.push("little");
  }
  return orders.length > 0 && orders.every((order) => order === "big") ? "big" : "little";
}

/** The file's byte order; "little" for anything it cannot tell (the analyzer has refused those already). */
export function byteOrderOf(read: ReadAt): ByteOrder {
  const head = read(0, 8);
  const magic = u32(head, 0);
  if (magic === 0x7f454c46) return head[5] === ELF_DATA_BIG ? "big" : "little";
  if (magic === undefined) return "little";
  if (MACHO_BIG.includes(magic)) return "big";
  if (FAT.includes(magic)) return fatByteOrder(read, magic === 0xcafebabf);
  return "little";
}

export function byteOrderOfBytes(bytes: Uint8Array): ByteOrder {
  return byteOrderOf((offset, length) => bytes.subarray(offset, offset + length));
}

/** The byte order of a stored file, reading only its header (and a universal file's slice magics). */
export function byteOrderOfFile(path: string): ByteOrder {
  const fd = openSync(path, "r");
  try {
    return byteOrderOf((offset, length) => {
      const buffer = new Uint8Array(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    });
  } finally {
    closeSync(fd);
  }
}

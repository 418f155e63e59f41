/**
 * The byte order a registry records for a plugin file. memflow runs only on little-endian hosts
 * and refuses big-endian files, yet the analyzer reads them (and labels a big-endian AArch64 ELF
 * `arm64`, as its e_machine says), so the registry records the order to keep such a file from a
 * host that asked for `arm64`. The analyzer reads it from the file's header; a universal Mach-O
 * whose slices differ counts as little-endian, because the loader picks its host's slice.
 */
import { analyzeByteOrderSync, type FileByteOrder, fileByteOrder } from "@memflow-ts/analyzer";
import { openFileReader } from "@memflow-ts/analyzer/fs";

export type ByteOrder = "little" | "big";

export const BYTE_ORDERS: readonly ByteOrder[] = ["little", "big"];

function recorded(order: FileByteOrder): ByteOrder {
  return order === "big" ? "big" : "little";
}

export function byteOrderOfBytes(bytes: Uint8Array): ByteOrder {
  return recorded(fileByteOrder(bytes));
}

/** The byte order of a file open in `reader`, reading only its header (and a universal file's slice magics). */
export function byteOrderOfReader(reader: Parameters<typeof analyzeByteOrderSync>[0]): ByteOrder {
  return recorded(analyzeByteOrderSync(reader));
}

/** `byteOrderOfReader` for a stored file. */
export function byteOrderOfFile(path: string): ByteOrder {
  const reader = openFileReader(path);
  try {
    return byteOrderOfReader(reader);
  } finally {
    reader.close();
  }
}

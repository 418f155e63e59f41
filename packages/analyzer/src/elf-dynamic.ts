/**
 * The dynamic segment (PT_DYNAMIC) of an ELF file: where the loader finds the dynamic symbol
 * table, its string table, its hash tables and the relocation tables. Everything a plugin's
 * exports need is reachable from here, even when the file has no section headers.
 */
import type { Fields } from "./bytes.ts";
import { type ElfHeader, type ProgramHeader, PT_DYNAMIC } from "./elf-headers.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

export const DT = {
  NULL: 0,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  RELA: 7,
  RELASZ: 8,
  RELAENT: 9,
  STRSZ: 10,
  SYMENT: 11,
  REL: 17,
  RELSZ: 18,
  RELENT: 19,
  RELRSZ: 35,
  RELR: 36,
  RELRENT: 37,
  GNU_HASH: 0x6ffffef5,
  /** How many leading DT_RELA / DT_REL entries are relative relocations (linkers sort those by address). */
  RELACOUNT: 0x6ffffff9,
  RELCOUNT: 0x6ffffffa,
} as const;

/**
 * The dynamic entries, by tag: the first occurrence of each, as numbers. Tags above 32 bits and
 * values above 2^53 are dropped; none that the analyzer reads can be that large.
 */
export type DynamicEntries = Map<number, number>;

export function readDynamic(
  window: FileWindow,
  header: ElfHeader,
  programHeaders: readonly ProgramHeader[],
): DynamicEntries | undefined {
  // An indexed loop, not `find` with a callback: every ELF file passes here, in the interpreter.
  let segment: ProgramHeader | undefined;
  for (let index = 0; index < programHeaders.length && segment === undefined; index += 1) {
    const candidate = programHeaders[index] as ProgramHeader;
    if (candidate.type === PT_DYNAMIC) segment = candidate;
  }
  if (segment === undefined) return undefined;
  const entrySize = header.wide ? 16 : 8;
  const count = Math.floor(segment.filesz / entrySize);
  const table = window.read(segment.offset, count * entrySize, header.little, "truncated", "the dynamic segment");
  return dynamicEntriesOf(table, count, header);
}

/** The entries of a dynamic segment whose `count` entries `table` holds (read by `readDynamic` or the quick scan). */
export function dynamicEntriesOf(table: Fields, count: number, header: ElfHeader): DynamicEntries {
  const entrySize = header.wide ? 16 : 8;
  const entries: DynamicEntries = new Map();
  const low = header.wide && !header.little ? 4 : 0;
  const high = header.wide && header.little ? 4 : 0;
  for (let index = 0; index < count; index += 1) {
    const at = index * entrySize;
    const tag = table.u32(at + low);
    if (header.wide && table.u32(at + high) !== 0) continue; // no tag the analyzer reads is that large
    if (tag === DT.NULL) break;
    if (!WANTED.has(tag) || entries.has(tag)) continue;
    if (!header.wide) {
      entries.set(tag, table.u32(at + 4));
      continue;
    }
    const valueHigh = table.u32(at + 8 + high);
    if (valueHigh <= 0x1fffff) entries.set(tag, valueHigh * 0x1_0000_0000 + table.u32(at + 8 + low));
  }
  return entries;
}

/** The tags the analyzer reads; the rest of the dynamic segment is skipped. */
const WANTED: ReadonlySet<number> = new Set(Object.values(DT).filter((tag) => tag !== DT.NULL));

/** The number of dynamic symbols according to a SysV hash table (its `nchain`). */
export function countFromSysvHash(window: FileWindow, header: ElfHeader, offset: number): number {
  const table = window.read(offset, 8, header.little, "out-of-bounds", "the DT_HASH table");
  return table.u32(4);
}

/**
 * The number of dynamic symbols according to a GNU hash table: one past the last symbol of the
 * longest-reaching bucket chain (GNU hash has no explicit count).
 */
export function countFromGnuHash(window: FileWindow, header: ElfHeader, offset: number): number {
  const head = window.read(offset, 16, header.little, "out-of-bounds", "the DT_GNU_HASH header");
  const bucketCount = head.u32(0);
  const symbolOffset = head.u32(4);
  const bloomWords = head.u32(8);
  const bucketsAt = offset + 16 + bloomWords * (header.wide ? 8 : 4);
  if (bucketCount > (window.size - Math.min(bucketsAt, window.size)) / 4) {
    throw fail(
      "out-of-bounds",
      window.base + offset,
      `DT_GNU_HASH claims ${bucketCount} buckets, more than the file holds`,
    );
  }
  const buckets = window.read(bucketsAt, bucketCount * 4, header.little, "out-of-bounds", "the GNU hash buckets");
  let last = 0;
  for (let index = 0; index < bucketCount; index += 1) last = Math.max(last, buckets.u32(index * 4));
  if (last < symbolOffset) return symbolOffset;
  // Walk the chain of the highest bucket until an entry with the low bit set ends it.
  const chainAt = bucketsAt + bucketCount * 4;
  const chunk = 256;
  let symbol = last;
  for (;;) {
    const entryAt = chainAt + (symbol - symbolOffset) * 4;
    const available = Math.floor((window.size - Math.min(entryAt, window.size)) / 4);
    if (available === 0)
      throw fail("out-of-bounds", window.base + entryAt, "the GNU hash chain runs off the end of the file");
    const length = Math.min(chunk, available);
    const entries = window.read(entryAt, length * 4, header.little, "out-of-bounds", "the GNU hash chain");
    for (let index = 0; index < length; index += 1) {
      if ((entries.u32(index * 4) & 1) === 1) return symbol + index + 1;
    }
    symbol += length;
  }
}

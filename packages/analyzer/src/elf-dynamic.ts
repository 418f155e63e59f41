/**
 * The dynamic segment (PT_DYNAMIC) of an ELF file: where the loader finds the dynamic symbol
 * table, its string table, its hash tables and the relocation tables. Everything a plugin's
 * exports need is reachable from here, even when the file has no section headers.
 */
import { toNumber } from "./bytes.ts";
import { type ElfHeader, type ProgramHeader, PT_DYNAMIC } from "./elf-headers.ts";
import { fail } from "./errors.ts";
import type { FileWindow, Parse } from "./file-window.ts";

export const DT = {
  NULL: 0n,
  HASH: 4n,
  STRTAB: 5n,
  SYMTAB: 6n,
  RELA: 7n,
  RELASZ: 8n,
  RELAENT: 9n,
  STRSZ: 10n,
  SYMENT: 11n,
  REL: 17n,
  RELSZ: 18n,
  RELENT: 19n,
  RELRSZ: 35n,
  RELR: 36n,
  RELRENT: 37n,
  GNU_HASH: 0x6ffffef5n,
} as const;

/** The dynamic entries the analyzer uses, by tag (the first occurrence of each). */
export type DynamicEntries = Map<bigint, bigint>;

export function* readDynamic(
  window: FileWindow,
  header: ElfHeader,
  programHeaders: readonly ProgramHeader[],
): Parse<DynamicEntries | undefined> {
  const segment = programHeaders.find((candidate) => candidate.type === PT_DYNAMIC);
  if (segment === undefined) return undefined;
  const entrySize = header.wide ? 16 : 8;
  const count = Math.floor(segment.filesz / entrySize);
  const table = yield* window.read(
    segment.offset,
    count * entrySize,
    header.little,
    "truncated",
    "the dynamic segment",
  );
  const entries: DynamicEntries = new Map();
  for (let index = 0; index < count; index += 1) {
    const at = index * entrySize;
    const tag = header.wide ? table.u64(at) : BigInt(table.u32(at));
    if (tag === DT.NULL) break;
    if (!entries.has(tag)) entries.set(tag, table.word(at + entrySize / 2, header.wide));
  }
  return entries;
}

/** A dynamic entry holding a size or count, as a number. */
export function dynamicNumber(entries: DynamicEntries, tag: bigint, where: number): number | undefined {
  const value = entries.get(tag);
  return value === undefined ? undefined : toNumber(value, where, `dynamic entry ${tag}`);
}

/** The number of dynamic symbols according to a SysV hash table (its `nchain`). */
export function* countFromSysvHash(window: FileWindow, header: ElfHeader, offset: number): Parse<number> {
  const table = yield* window.read(offset, 8, header.little, "out-of-bounds", "the DT_HASH table");
  return table.u32(4);
}

/**
 * The number of dynamic symbols according to a GNU hash table: one past the last symbol of the
 * longest-reaching bucket chain (GNU hash has no explicit count).
 */
export function* countFromGnuHash(window: FileWindow, header: ElfHeader, offset: number): Parse<number> {
  const head = yield* window.read(offset, 16, header.little, "out-of-bounds", "the DT_GNU_HASH header");
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
  const buckets = yield* window.read(
    bucketsAt,
    bucketCount * 4,
    header.little,
    "out-of-bounds",
    "the GNU hash buckets",
  );
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
    const entries = yield* window.read(entryAt, length * 4, header.little, "out-of-bounds", "the GNU hash chain");
    for (let index = 0; index < length; index += 1) {
      if ((entries.u32(index * 4) & 1) === 1) return symbol + index + 1;
    }
    symbol += length;
  }
}

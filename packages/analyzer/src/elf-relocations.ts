/**
 * Dynamic relocations of an ELF file, applied to the descriptor's pointer fields the way the
 * loader would: RELA (explicit addend), REL (addend stored in place, e.g. i686) and RELR (packed
 * relative relocations, `-z pack-relative-relocs`), found through the dynamic segment or, when a
 * file has none there, through its section headers.
 */
import type { AddressMap } from "./address-map.ts";
import type { Fields } from "./bytes.ts";
import { DT, type DynamicEntries } from "./elf-dynamic.ts";
import type { ElfHeader, SectionHeader } from "./elf-headers.ts";
import type { DynamicSymbols } from "./elf-symbols.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

type TableKind = "rela" | "rel" | "relr";

export interface RelocationTable {
  kind: TableKind;
  offset: number;
  size: number;
  entrySize: number;
  /**
   * DT_RELACOUNT / DT_RELCOUNT: how many leading entries are relative relocations. GNU ld and lld
   * emit it only when they sorted those entries by address (`-z combreloc`, their default).
   */
  relativeCount: number;
}

export interface Relocation {
  kind: TableKind;
  type: number;
  symbol: number;
  addend: number;
  /** File offset of the relocation entry, for error messages. */
  at: number;
}

/** Relocation types by machine: the relative one, and the absolute ones (`S + A`). */
const RELOCATION_TYPES: Record<number, { relative: number; absolute: readonly number[] }> = {
  3: { relative: 8, absolute: [1, 6] }, // i386: R_386_RELATIVE; R_386_32, R_386_GLOB_DAT
  62: { relative: 8, absolute: [1, 6] }, // x86_64: R_X86_64_RELATIVE; R_X86_64_64, R_X86_64_GLOB_DAT
  40: { relative: 23, absolute: [2, 21] }, // arm: R_ARM_RELATIVE; R_ARM_ABS32, R_ARM_GLOB_DAT
  183: { relative: 1027, absolute: [257, 1025] }, // aarch64: R_AARCH64_RELATIVE; ABS64, GLOB_DAT
  20: { relative: 22, absolute: [1, 20] }, // ppc: R_PPC_RELATIVE; R_PPC_ADDR32, R_PPC_GLOB_DAT
  21: { relative: 22, absolute: [38, 20] }, // ppc64: R_PPC64_RELATIVE; R_PPC64_ADDR64, R_PPC64_GLOB_DAT
  22: { relative: 12, absolute: [22, 10] }, // s390x: R_390_RELATIVE; R_390_64, R_390_GLOB_DAT
  243: { relative: 3, absolute: [1, 2] }, // riscv: R_RISCV_RELATIVE; R_RISCV_32, R_RISCV_64
  // mips has no RELATIVE type: R_MIPS_REL32 against symbol 0 is base-relative, against a symbol S + A.
  8: { relative: 3, absolute: [3] },
};

/**
 * The addresses of the pointer fields to relocate, ascending and distinct. A plugin has three
 * per descriptor: a short sorted array is tested faster than a Set is built, above all by the
 * interpreter, which runs this code in a fresh scan.
 */
export type Slots = readonly number[];

/** `addresses` as Slots: sorted (a few, so by insertion) and without repeats. */
export function slotsOf(addresses: readonly number[]): number[] {
  const slots: number[] = [];
  for (let index = 0; index < addresses.length; index += 1) {
    const address = addresses[index] as number;
    if (isSlot(slots, address)) continue;
    // Moved up from the end to its place: no `splice`, a native call, for an array this short.
    let at = slots.length;
    slots.push(address);
    while (at > 0 && (slots[at - 1] as number) > address) {
      slots[at] = slots[at - 1] as number;
      at -= 1;
    }
    slots[at] = address;
  }
  return slots;
}

/** Whether `address` is one of `slots`. */
export function isSlot(slots: Slots, address: number): boolean {
  for (let index = 0; index < slots.length; index += 1) if (slots[index] === address) return true;
  return false;
}

const SHT_RELA = 4;
const SHT_REL = 9;
const SHT_RELR = 19;

/** The tags that name each dynamic relocation table, and its entries' size in words. */
const DYNAMIC_TABLES = [
  { kind: "rela", address: DT.RELA, size: DT.RELASZ, entrySize: DT.RELAENT, relativeCount: DT.RELACOUNT, words: 3 },
  { kind: "rel", address: DT.REL, size: DT.RELSZ, entrySize: DT.RELENT, relativeCount: DT.RELCOUNT, words: 2 },
  { kind: "relr", address: DT.RELR, size: DT.RELRSZ, entrySize: DT.RELRENT, relativeCount: undefined, words: 1 },
] as const;

/** The tables the dynamic segment names (DT_RELA, DT_REL, DT_RELR), in that order; no closure or tuple per table. */
export function dynamicRelocationTables(
  header: ElfHeader,
  dynamic: DynamicEntries,
  addresses: AddressMap,
): RelocationTable[] {
  const tables: RelocationTable[] = [];
  const word = header.wide ? 8 : 4;
  for (let index = 0; index < DYNAMIC_TABLES.length; index += 1) {
    const tags = DYNAMIC_TABLES[index] as (typeof DYNAMIC_TABLES)[number];
    const address = dynamic.get(tags.address);
    const size = dynamic.get(tags.size);
    if (address === undefined || size === undefined || size === 0) continue;
    const offset = addresses.fileOffset(address, size);
    if (offset === undefined) {
      throw fail("out-of-bounds", 0, `the ${tags.kind} table at 0x${address.toString(16)} is not stored in the file`);
    }
    const entrySize = dynamic.get(tags.entrySize) ?? tags.words * word;
    const relativeCount = tags.relativeCount === undefined ? 0 : (dynamic.get(tags.relativeCount) ?? 0);
    tables.push({ kind: tags.kind, offset, size, entrySize, relativeCount });
  }
  return tables;
}

/** The relocation sections (SHT_RELA, SHT_REL, SHT_RELR), for files whose dynamic segment names none. */
export function sectionRelocationTables(sections: readonly SectionHeader[]): RelocationTable[] {
  const tables: RelocationTable[] = [];
  for (let index = 0; index < sections.length; index += 1) {
    const section = sections[index] as SectionHeader;
    const kind =
      section.type === SHT_RELA
        ? "rela"
        : section.type === SHT_REL
          ? "rel"
          : section.type === SHT_RELR
            ? "relr"
            : undefined;
    if (kind !== undefined && section.size > 0) {
      tables.push({ kind, offset: section.offset, size: section.size, entrySize: section.entsize, relativeCount: 0 });
    }
  }
  return tables;
}

/** Whether the table's entries are at least as large as its kind's (RELA 3 words, REL 2, RELR 1). */
export function hasValidEntries(table: RelocationTable, header: ElfHeader): boolean {
  const word = header.wide ? 8 : 4;
  return table.entrySize >= (table.kind === "rela" ? 3 * word : table.kind === "rel" ? 2 * word : word);
}

/** How many entries a table holds, refusing entries too small for its kind. */
export function entryCount(table: RelocationTable, header: ElfHeader): number {
  if (!hasValidEntries(table, header)) {
    throw fail("malformed", table.offset, `${table.kind} entries of ${table.entrySize} bytes are too small`);
  }
  return Math.floor(table.size / table.entrySize);
}

/** Reads entries `[first, end)` of a table. */
export function readEntries(
  window: FileWindow,
  header: ElfHeader,
  table: RelocationTable,
  first: number,
  end: number,
): Fields {
  return window.read(
    table.offset + first * table.entrySize,
    (end - first) * table.entrySize,
    header.little,
    "out-of-bounds",
    `the ${table.kind} table`,
  );
}

/** r_offset of the entry at byte `at` of `entries`: the address it relocates. */
export function entryTarget(entries: Fields, at: number, header: ElfHeader): number {
  // `uword`'s test spelled out: the search reads a dozen targets per slot and round, where a
  // call saved is a tenth of the read.
  return header.wide ? entries.offset64(at, "r_offset") : entries.u32(at);
}

/** The RELA or REL entry at byte `at` of `entries`. */
export function readEntry(entries: Fields, at: number, kind: "rela" | "rel", header: ElfHeader): Relocation {
  const word = header.wide ? 8 : 4;
  // r_info: symbol index and type, split 32/32 on ELF64 and 24/8 on ELF32.
  const infoAt = at + word;
  const type = header.wide ? entries.u32(infoAt + (header.little ? 0 : 4)) : entries.u32(infoAt) & 0xff;
  const symbol = header.wide ? entries.u32(infoAt + (header.little ? 4 : 0)) : entries.u32(infoAt) >>> 8;
  return {
    kind,
    type,
    symbol,
    addend: kind === "rela" ? entries.sword(at + 2 * word, header.wide, "r_addend") : 0,
    at: entries.fileOffset + at,
  };
}

/**
 * Records in `found` every relocation of entries `[first, end)` of a table that targets one of
 * `slots`, in table order (the loader leaves a slot's last one), and takes each such slot out of
 * `uncertain` when given. Maps passed in, not a callback: a closure per table and run is dear.
 */
export function walkEntries(
  window: FileWindow,
  header: ElfHeader,
  table: RelocationTable,
  first: number,
  end: number,
  slots: Slots,
  found: Map<number, Relocation>,
  uncertain: Set<number> | undefined,
): void {
  if (end > first)
    recordEntries(readEntries(window, header, table, first, end), end - first, table, header, slots, found, uncertain);
}

/** `walkEntries` over `count` entries already read (`entries`), as the quick ELF scan has them. */
export function recordEntries(
  entries: Fields,
  count: number,
  table: RelocationTable,
  header: ElfHeader,
  slots: Slots,
  found: Map<number, Relocation>,
  uncertain: Set<number> | undefined,
): void {
  if (table.kind === "relr") {
    forEachRelrSlot(entries, count, table.entrySize, header, slots, found, uncertain);
    return;
  }
  for (let index = 0; index < count; index += 1) {
    const at = index * table.entrySize;
    const slot = entryTarget(entries, at, header);
    if (isSlot(slots, slot)) {
      found.set(slot, readEntry(entries, at, table.kind, header));
      uncertain?.delete(slot);
    }
  }
}

/** Finds the relocations that target any of `slots` by reading every entry of every table. */
export function walkRelocations(
  window: FileWindow,
  header: ElfHeader,
  tables: readonly RelocationTable[],
  slots: Slots,
): Map<number, Relocation> {
  const found = new Map<number, Relocation>();
  if (slots.length === 0) return found;
  for (let index = 0; index < tables.length; index += 1) {
    const table = tables[index] as RelocationTable;
    walkEntries(window, header, table, 0, entryCount(table, header), slots, found, undefined);
  }
  return found;
}

/**
 * Visits the slots a RELR table relocates: an even entry is an address to relocate; an odd entry
 * is a bitmap of the following words (bit i set: relocate the i-th word after the last address),
 * covering 63 (or 31) words: only the slots in that range are tested, no bit is expanded.
 */
function forEachRelrSlot(
  entries: Fields,
  count: number,
  entrySize: number,
  header: ElfHeader,
  slots: Slots,
  found: Map<number, Relocation>,
  uncertain: Set<number> | undefined,
): void {
  const word = header.wide ? 8 : 4;
  // The bytes a bitmap covers: one word per bit but the lowest, which marks it a bitmap.
  const span = (word * 8 - 1) * word;
  const lowest = slots.length > 0 ? (slots[0] as number) : Number.POSITIVE_INFINITY;
  const highest = slots.length > 0 ? (slots[slots.length - 1] as number) : Number.NEGATIVE_INFINITY;
  // One record serves every slot the table relocates: RELR entries carry nothing but the place.
  const relocation: Relocation = { kind: "relr", type: 0, symbol: 0, addend: 0, at: entries.fileOffset };
  // An entry's kind is bit 0 of its least significant byte: the loops test that one byte, and a
  // table has hundreds of entries, most of them bitmaps far from the slots.
  const bytes = entries.bytes;
  const lowByte = header.little ? 0 : word - 1;
  let next = 0;
  let index = 0;
  let at = 0;
  while (index < count) {
    if (((bytes[at + lowByte] ?? 0) & 1) === 0) {
      const address = entries.uword(at, header.wide, "a RELR address");
      if (isSlot(slots, address)) {
        found.set(address, relocation);
        uncertain?.delete(address);
      }
      next = address + word;
      index += 1;
      at += entrySize;
      continue;
    }
    // A run of bitmaps, each covering `span` bytes from where the last ended. Those that end at
    // or below the lowest slot (in a plugin, about half) relocate none: they are only checked to
    // be bitmaps (an address entry would end the run), and `next` moves past them at once.
    const runStart = index;
    const stopAt = Math.min(count, index + bitmapsBelow(next, span, lowest)) * entrySize;
    at = skipBitmaps(bytes, at + lowByte, stopAt + lowByte, entrySize) - lowByte;
    index = at / entrySize;
    next += (index - runStart) * span;
    // The rest of the run: only bitmaps that start at or below the highest slot can relocate
    // one; those after are skipped, for the entry after the run is an address, which sets
    // `next` anew.
    for (; index < count && next <= highest && ((bytes[at + lowByte] ?? 0) & 1) === 1; index += 1, at += entrySize) {
      const end = next + span;
      if (lowest < end) testBitmap(entries, at, header, next, end, slots, relocation, found, uncertain);
      next = end;
    }
    at = skipBitmaps(bytes, at + lowByte, count * entrySize + lowByte, entrySize) - lowByte;
    index = at / entrySize;
  }
}

/**
 * The kind byte of the first entry from `from` up to `end` that is not a bitmap, or `end`. Most
 * of a table passes through here, so the loop keeps one position only: the index follows from it.
 */
function skipBitmaps(bytes: Uint8Array, from: number, end: number, entrySize: number): number {
  let at = from;
  while (at < end && ((bytes[at] as number) & 1) === 1) at += entrySize;
  return at;
}

/**
 * How many bitmaps of `span` bytes, the first covering from `next`, end at or below `lowest`:
 * the largest `k` with `next + k * span <= lowest`. Worked out by division, then settled with
 * comparisons that are exact below 2^53; above it (no slot of a real file) none are skipped, and
 * the loop after this steps through them as before.
 */
function bitmapsBelow(next: number, span: number, lowest: number): number {
  if (!(lowest - next >= span) || lowest > Number.MAX_SAFE_INTEGER) return 0;
  let below = Math.floor((lowest - next) / span);
  while (below > 0 && next + below * span > lowest) below -= 1;
  while (next + (below + 1) * span <= lowest) below += 1;
  return below;
}

/** Visits the slots in `[next, end)` whose bit is set in the RELR bitmap at byte `at`. */
function testBitmap(
  entries: Fields,
  at: number,
  header: ElfHeader,
  next: number,
  end: number,
  slots: Slots,
  relocation: Relocation,
  found: Map<number, Relocation>,
  uncertain: Set<number> | undefined,
): void {
  const word = header.wide ? 8 : 4;
  // Bitmaps use all the word's bits, so read them as 32-bit halves, never as one number.
  const low = entries.u32(at + (header.wide && !header.little ? 4 : 0));
  const high = header.wide ? entries.u32(at + (header.little ? 4 : 0)) : 0;
  for (let index = 0; index < slots.length; index += 1) {
    const slot = slots[index] as number;
    if (slot < next) continue;
    if (slot >= end) break;
    const delta = slot - next;
    if (delta % word !== 0) continue;
    const bit = delta / word + 1; // bit 0 marks the bitmap itself
    if ((bit < 32 ? (low >>> bit) & 1 : (high >>> (bit - 32)) & 1) === 1) {
      found.set(slot, relocation);
      uncertain?.delete(slot);
    }
  }
}

/**
 * The value the loader stores into a pointer field: `stored` itself when nothing relocates it,
 * otherwise the relocation's result computed for a load base of 0.
 */
export function relocatedValue(
  header: ElfHeader,
  relocation: Relocation | undefined,
  stored: bigint,
  symbols: DynamicSymbols | undefined,
  /** The export and the field's offset in its descriptor, named in an error message only. */
  exportName: string,
  fieldAt: number,
): bigint {
  if (relocation === undefined || relocation.kind === "relr") return stored;
  const bits = header.wide ? 64 : 32;
  const addend = relocation.kind === "rela" ? BigInt(relocation.addend) : stored;
  const types = RELOCATION_TYPES[header.machine];
  if (types && relocation.type === types.relative && relocation.symbol === 0) return BigInt.asUintN(bits, addend);
  if (types?.absolute.includes(relocation.type)) {
    const symbol = relocation.symbol === 0 ? { value: 0, defined: true, name: "" } : symbols?.at(relocation.symbol);
    if (symbol === undefined || !symbol.defined) {
      throw fail(
        "unsupported",
        relocation.at,
        `${exportName}+0x${fieldAt.toString(16)} points into another library (symbol ${symbol?.name ?? relocation.symbol})`,
      );
    }
    return BigInt.asUintN(bits, BigInt(symbol.value) + addend);
  }
  throw fail(
    "unsupported",
    relocation.at,
    `${exportName}+0x${fieldAt.toString(16)} has relocation type ${relocation.type}, which the analyzer cannot apply`,
  );
}

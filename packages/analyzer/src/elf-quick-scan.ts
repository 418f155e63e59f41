/**
 * The quick scan of a common ELF plugin (`quick-scan.ts`): the full parser's reading (`elf.ts`)
 * straight through, for little-endian files whose symbols the dynamic segment and a hash table
 * find and whose descriptors' pointers a sorted relocation table relocates.
 *
 * It gives up (GIVE_UP) on anything else: big-endian files, no dynamic segment, symbols counted
 * through section headers, a relocation table not sorted as linkers sort it, a slot the search
 * leaves to a walk of every table, a symbolic relocation of a descriptor's field, and whatever
 * the full parser would refuse. Where the full parser reads a value it may refuse (a 64-bit
 * offset beyond 2^53, a name that is not UTF-8, a range outside the file) this scan reads the
 * same value and gives up on it. The relocation search runs the full parser's own steps
 * (`newProbe`, `placeBlock`, `probeBlock`) one slot at a time, so it reads the entries the full
 * search reads and meets the same disorder.
 */
import { AddressMap, type MappedRange } from "./address-map.ts";
import type { Fields } from "./bytes.ts";
import { descriptorLayout } from "./descriptor.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import { elfArchitecture, elfFileOffset } from "./elf.ts";
import { DT, type DynamicEntries, dynamicEntriesOf } from "./elf-dynamic.ts";
import { type ElfHeader, PT_DYNAMIC, PT_LOAD } from "./elf-headers.ts";
import {
  entriesPerBlock,
  newProbe,
  PROBE_ABSENT,
  PROBE_UNSORTED,
  placeBlock,
  probeBlock,
  sortedCount,
} from "./elf-relocation-search.ts";
import {
  dynamicRelocationTables,
  entryCount,
  entryTarget,
  type Relocation,
  type RelocationTable,
  readEntry,
  recordEntries,
  relocatedValue,
  slotsOf,
} from "./elf-relocations.ts";
import { isDefinedIn } from "./elf-symbols.ts";
import { decodeExportName, pluginKindOfBytes } from "./export-name.ts";
import {
  arena,
  at,
  exportKinds,
  exportNames,
  exportPlaces,
  fieldsAt,
  fileSize,
  GIVE_UP,
  nameAt,
  type QuickSpace,
  readQuickDescriptors,
  u16,
  u32,
  u53,
} from "./quick-read.ts";

/** A GNU hash chain longer than this is not a plugin's (theirs have a few entries). */
const MAX_CHAIN = 4096;

let wide = false;

/** An address, offset or size: 8 bytes in a 64-bit file. */
function word(index: number): number {
  return wide ? u53(index) : u32(index);
}

/** The descriptors of the ELF file `startRead` began; throws GIVE_UP where the full parser must read it. */
export function quickScanElf(): PluginDescriptorInfo[] {
  // The ELF header (elf-headers.ts): little-endian only; both classes.
  const elfClass = arena[4];
  if (arena[5] !== 1 || (elfClass !== 1 && elfClass !== 2)) throw GIVE_UP;
  wide = elfClass === 2;
  const header: ElfHeader = {
    wide,
    little: true,
    machine: u16(18),
    phoff: word(wide ? 32 : 28),
    shoff: word(wide ? 40 : 32),
    phentsize: u16(wide ? 54 : 42),
    phnum: u16(wide ? 56 : 44),
    shentsize: u16(wide ? 58 : 46),
    shnum: u16(wide ? 60 : 48),
  };
  // Extended numbering reads section header 0; too-small entries are refused.
  if (header.phnum === 0 || header.phnum === 0xffff || header.phentsize < (wide ? 56 : 32)) throw GIVE_UP;
  if (header.shoff !== 0 && header.shentsize >= (wide ? 64 : 40) && header.shnum === 0) throw GIVE_UP;

  // Program headers: the PT_LOAD segments map addresses; the first PT_DYNAMIC is the dynamic segment.
  const phentsize = header.phentsize;
  if (header.phnum > Math.floor(fileSize / phentsize)) throw GIVE_UP;
  const table = at(header.phoff, header.phnum * phentsize);
  const ranges: MappedRange[] = [];
  let loadedEnd = 0;
  let dynamicAt = -1;
  let dynamicSize = 0;
  for (let index = 0; index < header.phnum; index += 1) {
    const entry = table + index * phentsize;
    const type = u32(entry);
    // Every field the full parser reads, so a value it refuses is refused here too.
    const offset = wide ? u53(entry + 8) : u32(entry + 4);
    const vaddr = wide ? u53(entry + 16) : u32(entry + 8);
    const filesz = wide ? u53(entry + 32) : u32(entry + 16);
    const memsz = wide ? u53(entry + 40) : u32(entry + 20);
    if (type === PT_LOAD) {
      ranges.push({ address: vaddr, fileOffset: offset, fileSize: filesz });
      loadedEnd = Math.max(loadedEnd, vaddr + memsz);
    } else if (type === PT_DYNAMIC && dynamicAt < 0) {
      dynamicAt = offset;
      dynamicSize = filesz;
    }
  }
  if (dynamicAt < 0) throw GIVE_UP;
  const addresses = new AddressMap(ranges);

  // The dynamic segment (elf-dynamic.ts) and the relocation tables it names.
  const entrySize = wide ? 16 : 8;
  const entries = Math.floor(dynamicSize / entrySize);
  const dynamic = dynamicEntriesOf(fieldsAt(dynamicAt, entries * entrySize), entries, header);
  const tables = dynamicRelocationTables(header, dynamic, addresses);
  // Without them the full parser looks for relocation sections.
  if (tables.length === 0) throw GIVE_UP;

  const count = descriptorSymbols(dynamic, addresses);
  if (count === 0) return [];
  // Where each descriptor is, and the slots of its pointers (elf.ts's plan).
  const layout = descriptorLayout(wide);
  const pointers: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const value = exportValues[index] as number;
    const place = addresses.fileOffset(value, layout.size);
    if (place === undefined) throw GIVE_UP;
    exportPlaces[index] = place;
    for (let field = 0; field < layout.strings.length; field += 1) {
      pointers.push(value + (layout.strings[field] as (typeof layout.strings)[number]).pointerAt);
    }
  }
  const addressLimit = loadedEnd > 0 ? loadedEnd : Number.POSITIVE_INFINITY;
  elfHeader = header;
  elfAddresses = addresses;
  elfFound = searchRelocations(header, tables, slotsOf(pointers), addressLimit);
  const format = { fileType: "elf", architecture: elfArchitecture(header.machine), layout } as const;
  return readQuickDescriptors(count, format, space);
}

/** The addresses of the descriptor exports `descriptorSymbols` found, by index. */
const exportValues: number[] = [];

/**
 * Finds the defined dynamic symbols with a memflow export name (elf-symbols.ts) through the
 * dynamic segment and its hash table, into the export arrays; returns how many.
 */
function descriptorSymbols(dynamic: DynamicEntries, addresses: AddressMap): number {
  const symtab = dynamic.get(DT.SYMTAB);
  const strtab = dynamic.get(DT.STRTAB);
  const stringsSize = dynamic.get(DT.STRSZ);
  if (symtab === undefined || strtab === undefined || stringsSize === undefined) throw GIVE_UP;
  const symbolsAt = addresses.fileOffset(symtab, 0);
  const stringsAt = addresses.fileOffset(strtab, stringsSize);
  const symbolSize = dynamic.get(DT.SYMENT) ?? (wide ? 24 : 16);
  if (symbolsAt === undefined || stringsAt === undefined || symbolSize < (wide ? 24 : 16)) throw GIVE_UP;
  const gnuHash = dynamic.get(DT.GNU_HASH);
  const sysvHash = dynamic.get(DT.HASH);
  let count: number;
  if (gnuHash !== undefined) count = countFromGnuHash(addresses.fileOffset(gnuHash, 16));
  else if (sysvHash !== undefined) {
    const hashAt = addresses.fileOffset(sysvHash, 8);
    if (hashAt === undefined) throw GIVE_UP;
    count = u32(at(hashAt, 8) + 4);
  } else throw GIVE_UP;
  if (count < 2 || stringsSize === 0 || count > Math.floor(fileSize / symbolSize)) throw GIVE_UP;
  const symbols = at(symbolsAt, count * symbolSize);
  const strings = at(stringsAt, stringsSize);
  // Every name then ends inside the table, as the full parser requires of each it reads.
  if (arena[strings + stringsSize - 1] !== 0) throw GIVE_UP;
  let found = 0;
  for (let index = 1; index < count; index += 1) {
    const symbol = symbols + index * symbolSize;
    const nameOffset = u32(symbol);
    if (nameOffset >= stringsSize) continue;
    const name = strings + nameOffset;
    // Both export prefixes start with "M": most names are passed over on one byte.
    if (arena[name] !== 0x4d) continue;
    const nameBytes = nameAt(name, strings + stringsSize);
    const kind = pluginKindOfBytes(nameBytes);
    if (kind === undefined) continue;
    const shndx = u16(symbol + (wide ? 6 : 14));
    const value = wide ? u53(symbol + 8) : u32(symbol + 4);
    if (wide) u53(symbol + 16); // st_size, which the full parser refuses beyond 2^53
    if (!isDefinedIn(shndx)) continue;
    exportNames[found] = decodeExportName(nameBytes, 0);
    exportKinds[found] = kind;
    exportValues[found] = value;
    found += 1;
  }
  return found;
}

/** The number of dynamic symbols by a GNU hash table at file offset `offset` (elf-dynamic.ts). */
function countFromGnuHash(offset: number | undefined): number {
  if (offset === undefined) throw GIVE_UP;
  const head = at(offset, 16);
  const bucketCount = u32(head);
  const symbolOffset = u32(head + 4);
  const bucketsAt = offset + 16 + u32(head + 8) * (wide ? 8 : 4);
  if (bucketCount === 0 || bucketCount > (fileSize - Math.min(bucketsAt, fileSize)) / 4) throw GIVE_UP;
  const buckets = at(bucketsAt, bucketCount * 4);
  let last = 0;
  for (let index = 0; index < bucketCount; index += 1) last = Math.max(last, u32(buckets + index * 4));
  if (last < symbolOffset) return symbolOffset;
  const chainAt = bucketsAt + bucketCount * 4;
  for (let symbol = last; symbol < last + MAX_CHAIN; symbol += 1) {
    if ((u32(at(chainAt + (symbol - symbolOffset) * 4, 4)) & 1) === 1) return symbol + 1;
  }
  throw GIVE_UP;
}

/** Entries `[first, end)` of a relocation table, as the shared readers take them. */
function entriesAt(table: RelocationTable, first: number, end: number): Fields {
  return fieldsAt(table.offset + first * table.entrySize, (end - first) * table.entrySize);
}

/** What `searchRelocations` found, by slot, and the slots it leaves to a walk of every table. */
interface Found {
  readonly relocations: Map<number, Relocation>;
  readonly uncertain: Set<number>;
}

/**
 * The relocation of each slot, found as `searchRelocations` (elf-relocation-search.ts) finds it;
 * gives up where the full parser would walk a whole table.
 */
function searchRelocations(
  header: ElfHeader,
  tables: readonly RelocationTable[],
  slots: readonly number[],
  addressLimit: number,
): Found {
  const relocations = new Map<number, Relocation>();
  const uncertain = new Set<number>();
  for (let index = 0; index < tables.length; index += 1) {
    const table = tables[index] as RelocationTable;
    if (table.kind === "relr") {
      // It may override what an earlier table found: the full parser then walks it whole.
      if (relocations.size > 0) throw GIVE_UP;
      continue;
    }
    const count = entryCount(table, header);
    const sorted = sortedCount(table, count);
    for (let which = 0; which < slots.length; which += 1) {
      const slot = slots[which] as number;
      const relocation = searchSorted(header, table, sorted, slot, addressLimit);
      if (relocation !== undefined) {
        relocations.set(slot, relocation);
        uncertain.delete(slot);
      } else if (sorted > 0) uncertain.add(slot);
    }
    // The rest of the table, read whole; a later entry overrides.
    if (count > sorted) {
      if ((count - sorted) * table.entrySize > 64 * 1024) throw GIVE_UP;
      recordEntries(entriesAt(table, sorted, count), count - sorted, table, header, slots, relocations, uncertain);
    }
  }
  return { relocations, uncertain };
}

/**
 * `slot`'s relocation among the first `count` entries of `table`, by the full parser's probe
 * steps; gives up where it would find them unsorted.
 */
function searchSorted(
  header: ElfHeader,
  table: RelocationTable,
  count: number,
  slot: number,
  addressLimit: number,
): Relocation | undefined {
  if (count === 0 || table.kind === "relr") return undefined;
  const stride = table.entrySize;
  const perBlock = entriesPerBlock(stride);
  const probe = newProbe(slot, count, addressLimit);
  for (let round = 0; round <= count; round += 1) {
    placeBlock(probe, perBlock);
    const first = probe.first;
    const at = probeBlock(probe, entriesAt(table, first, probe.end), header, stride);
    if (at === PROBE_UNSORTED) throw GIVE_UP;
    if (at === PROBE_ABSENT) return undefined;
    if (at >= 0) {
      // An equal entry after this one overrides it: the last one counts.
      let last = first + at;
      while (last + 1 < count && entryTarget(entriesAt(table, last + 1, last + 2), 0, header) === slot) last += 1;
      return readEntry(entriesAt(table, last, last + 1), 0, table.kind, header);
    }
    if (probe.low >= probe.high) return undefined;
  }
  return undefined;
}

// The file's state for `space`, set by `scanElf`.
let elfHeader: ElfHeader | undefined;
let elfAddresses: AddressMap | undefined;
let elfFound: Found | undefined;

/** ELF's pointers: relocated as the search found (elf.ts's AddressSpace). */
const space: QuickSpace = {
  pointer(exportIndex, pointerAt, stored) {
    const slot = (exportValues[exportIndex] as number) + pointerAt;
    if (elfHeader === undefined || elfFound === undefined || elfFound.uncertain.has(slot)) throw GIVE_UP;
    const relocation = elfFound.relocations.get(slot);
    return relocatedValue(elfHeader, relocation, stored, undefined, exportNames[exportIndex] as string, pointerAt);
  },
  fileOffset(address, length) {
    if (elfAddresses === undefined) throw GIVE_UP;
    return elfFileOffset(elfAddresses, address, length);
  },
};

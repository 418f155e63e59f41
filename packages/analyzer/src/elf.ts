/**
 * Plugin descriptors in an ELF shared library: the defined dynamic symbols named
 * `MEMFLOW_CONNECTOR_*` / `MEMFLOW_OS_*`, each read through the PT_LOAD segments with its
 * pointer fields relocated as the loader would.
 */
import type { AddressMap } from "./address-map.ts";
import {
  type AddressSpace,
  type DescriptorFormat,
  type DescriptorLayout,
  descriptorLayout,
  readDescriptors,
  storedStringRanges,
} from "./descriptor.ts";
import { architectureTable, type PluginDescriptorInfo } from "./descriptor-info.ts";
import { readDynamic } from "./elf-dynamic.ts";
import {
  type ElfHeader,
  elfAddressMap,
  type ProgramHeader,
  PT_LOAD,
  readElfHeader,
  readProgramHeaders,
  readSectionHeaders,
  type SectionHeader,
} from "./elf-headers.ts";
import { firstRelocationReads, lookup, searchRelocations, walkRelocations } from "./elf-relocation-search.ts";
import {
  dynamicRelocationTables,
  type Relocation,
  type RelocationTable,
  relocatedValue,
  type Slots,
  sectionRelocationTables,
  slotsOf,
} from "./elf-relocations.ts";
import { type DynamicSymbols, readDynamicSymbols } from "./elf-symbols.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

/** Addresses above 2^53 are in no shared object; they map to nothing. */
const MAX_ADDRESS = BigInt(Number.MAX_SAFE_INTEGER);

/** Where `length` bytes at a pointer's `address` are stored; none above 2^53, where no shared object is. */
export function elfFileOffset(addresses: AddressMap, address: bigint, length: number): number | undefined {
  return address <= MAX_ADDRESS ? addresses.fileOffset(Number(address), length) : undefined;
}

/** e_machine: 3 EM_386, 62 EM_X86_64, 40 EM_ARM, 183 EM_AARCH64. */
export const elfArchitecture = architectureTable({ x86: [3], x86_64: [62], arm: [40], arm64: [183] });

/** The end of the highest PT_LOAD segment in memory: no relocation targets an address past it. */
function loadedEnd(programHeaders: readonly ProgramHeader[]): number {
  let end = 0;
  for (let index = 0; index < programHeaders.length; index += 1) {
    const segment = programHeaders[index] as ProgramHeader;
    if (segment.type === PT_LOAD) end = Math.max(end, segment.vaddr + segment.memsz);
  }
  return end > 0 ? end : Number.POSITIVE_INFINITY;
}

type PlacedDescriptor = DynamicSymbols["descriptors"][number] & { offset: number };

interface DescriptorPlan {
  placed: PlacedDescriptor[];
  slots: Slots;
  tables: readonly RelocationTable[];
  firstReads: [number, number][];
}

/**
 * The descriptor exports with their file offsets, the pointer slots to relocate, and the tables
 * to search. Plain loops and literals, no map or spread: every ELF plugin passes here once, in
 * the interpreter.
 */
function planDescriptors(
  descriptors: DynamicSymbols["descriptors"],
  addresses: AddressMap,
  layout: DescriptorLayout,
  dynamicTables: readonly RelocationTable[],
  sections: () => SectionHeader[],
  header: ElfHeader,
): DescriptorPlan {
  const placed: PlacedDescriptor[] = [];
  const pointers: number[] = [];
  for (let index = 0; index < descriptors.length; index += 1) {
    const symbol = descriptors[index] as DynamicSymbols["descriptors"][number];
    const offset = addresses.fileOffset(symbol.value, layout.size);
    if (offset === undefined) {
      throw fail(
        "not-found",
        0,
        `${symbol.name} at 0x${symbol.value.toString(16)} is not stored in any loaded segment`,
      );
    }
    placed.push({
      name: symbol.name,
      value: symbol.value,
      size: symbol.size,
      defined: symbol.defined,
      kind: symbol.kind,
      offset,
    });
    for (let field = 0; field < layout.strings.length; field += 1) {
      pointers.push(symbol.value + (layout.strings[field] as DescriptorLayout["strings"][number]).pointerAt);
    }
  }
  const tables = dynamicTables.length > 0 ? dynamicTables : sectionRelocationTables(sections());
  return { placed, slots: slotsOf(pointers), tables, firstReads: firstRelocationReads(header, tables) };
}

export function parseElf(window: FileWindow): PluginDescriptorInfo[] {
  // Each `memo` stage is parsed once per analysis, however often a reader's fetches re-run us.
  // The headers are a stage of their own: the dynamic segment they point at is rarely in the first read.
  const { header, programHeaders } = window.memo("elf-headers", () => {
    const header = readElfHeader(window);
    return { header, programHeaders: readProgramHeaders(window, header) };
  });
  const { addresses, addressLimit, dynamic, dynamicTables } = window.memo("elf-layout", () => {
    const addresses = elfAddressMap(programHeaders);
    const dynamic = readDynamic(window, header, programHeaders);
    const dynamicTables = dynamic ? dynamicRelocationTables(header, dynamic, addresses) : [];
    return { addresses, addressLimit: loadedEnd(programHeaders), dynamic, dynamicTables };
  });
  // Section headers are optional (stripped files); read them only when the dynamic segment is not enough.
  // Asked for up to twice per run: kept here, as `memo` keeps stages across runs only.
  let sectionHeaders: SectionHeader[] | undefined;
  const sections = (): SectionHeader[] =>
    (sectionHeaders ??= window.memo("elf-sections", () => readSectionHeaders(window, header)));
  const symbols = window.memo("elf-symbols", () => {
    // What the relocation search reads first does not depend on the symbols: it comes with the
    // symbol tables' round, or the next. Named only while the symbols are still being read.
    window.prefetchLater(() => firstRelocationReads(header, dynamicTables));
    return readDynamicSymbols(window, header, dynamic, addresses, sections);
  });
  if (symbols === undefined || symbols.descriptors.length === 0) return [];

  const layout = descriptorLayout(header.wide);
  // Worked out once per analysis, not on every re-run (a stage that throws is not kept).
  const { placed, slots, tables, firstReads } = window.memo("elf-descriptor-plan", () =>
    planDescriptors(symbols.descriptors, addresses, layout, dynamicTables, sections, header),
  );
  const fileOffset = (address: bigint, length: number) => elfFileOffset(addresses, address, length);
  // Searched before the descriptors are read, so its reads come in the descriptors' rounds, and
  // once those are read, with the strings their stored pointers name (right unless a RELA
  // linker left the fields 0, as lld does). Kept only once every descriptor is at hand: the
  // synchronous driver (read-on-demand.ts) reads them during this run, and then the strings
  // they point at can be named too.
  let nearby: [number, number][] | undefined;
  const alongside = () => {
    if (nearby !== undefined) return nearby;
    const ranges: [number, number][] = [];
    let settled = true;
    for (let index = 0; index < placed.length; index += 1)
      ranges.push([(placed[index] as PlacedDescriptor).offset, layout.size]);
    for (let index = 0; index < placed.length; index += 1) {
      const offset = (placed[index] as PlacedDescriptor).offset;
      if (!window.has(offset, layout.size)) settled = false;
      storedStringRanges(window, header.little, offset, layout, fileOffset, ranges);
    }
    if (settled) nearby = ranges;
    return ranges;
  };
  const search = window.memo("elf-relocations", () =>
    searchRelocations(window, header, tables, slots, { addressLimit, alsoWanted: alongside, firstReads }),
  );
  // Only for a slot the search could not settle (a table that is not sorted as linkers sort it);
  // asked for once per such slot, walked once.
  let walked: ReadonlyMap<number, Relocation> | undefined;
  const fullWalk = () =>
    (walked ??= window.memo("elf-relocations-walk", () => walkRelocations(window, header, tables, slots)));

  const format: DescriptorFormat = {
    fileType: "elf",
    architecture: elfArchitecture(header.machine),
    little: header.little,
    layout,
  };
  const space: AddressSpace<PlacedDescriptor> = {
    pointer(symbol, at, stored) {
      const relocation = lookup(search, symbol.value + at, fullWalk);
      return relocatedValue(header, relocation, stored, symbols, symbol.name, at);
    },
    fileOffset,
  };
  return readDescriptors(window, format, placed, space);
}

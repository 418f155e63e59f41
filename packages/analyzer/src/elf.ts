/**
 * Plugin descriptors in an ELF shared library: the defined dynamic symbols named
 * `MEMFLOW_CONNECTOR_*` / `MEMFLOW_OS_*`, each read through the PT_LOAD segments with its
 * pointer fields relocated as the loader would.
 */
import {
  type AddressSpace,
  DESCRIPTOR_LAYOUT_32,
  DESCRIPTOR_LAYOUT_64,
  type DescriptorLayout,
  readDescriptor,
} from "./descriptor.ts";
import { architectureTable, type PluginDescriptorInfo } from "./descriptor-info.ts";
import { readDynamic } from "./elf-dynamic.ts";
import {
  ElfAddressMap,
  readElfHeader,
  readProgramHeaders,
  readSectionHeaders,
  type SectionHeader,
} from "./elf-headers.ts";
import {
  dynamicRelocationTables,
  findRelocations,
  relocatedValue,
  sectionRelocationTables,
} from "./elf-relocations.ts";
import { readDynamicSymbols } from "./elf-symbols.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

/** e_machine: 3 EM_386, 62 EM_X86_64, 40 EM_ARM, 183 EM_AARCH64. */
/** Addresses above 2^53 are in no shared object; they map to nothing. */
const MAX_ADDRESS = BigInt(Number.MAX_SAFE_INTEGER);

export const elfArchitecture = architectureTable({ x86: [3], x86_64: [62], arm: [40], arm64: [183] });

export function parseElf(window: FileWindow): PluginDescriptorInfo[] {
  // Each `memo` stage is parsed once per analysis, however often a reader's fetches re-run us.
  const { header, addresses, dynamic, dynamicTables } = window.memo("elf-layout", () => {
    const header = readElfHeader(window);
    const programHeaders = readProgramHeaders(window, header);
    const addresses = new ElfAddressMap(programHeaders);
    const dynamic = readDynamic(window, header, programHeaders);
    const dynamicTables = dynamic ? dynamicRelocationTables(header, dynamic, addresses) : [];
    return { header, addresses, dynamic, dynamicTables };
  });
  // Section headers are optional (stripped files); read them only when the dynamic segment is not enough.
  const sections = (): SectionHeader[] => window.memo("elf-sections", () => readSectionHeaders(window, header));
  // Relocation tables usually sit next to the symbol tables: ask for them in the same round.
  window.prefetch(dynamicTables.map((table) => [table.offset, table.size]));
  const symbols = window.memo("elf-symbols", () => readDynamicSymbols(window, header, dynamic, addresses, sections));
  if (symbols === undefined || symbols.descriptors.length === 0) return [];

  const layout: DescriptorLayout = header.wide ? DESCRIPTOR_LAYOUT_64 : DESCRIPTOR_LAYOUT_32;
  const placed = symbols.descriptors.map((symbol) => {
    const offset = addresses.fileOffset(symbol.value, layout.size);
    if (offset === undefined) {
      throw fail(
        "not-found",
        0,
        `${symbol.name} at 0x${symbol.value.toString(16)} is not stored in any loaded segment`,
      );
    }
    return { symbol, offset };
  });
  window.prefetch(placed.map(({ offset }) => [offset, layout.size]));
  const relocations = window.memo("elf-relocations", () => {
    const slots = new Set(
      placed.flatMap(({ symbol }) => layout.strings.map((field) => symbol.value + field.pointerAt)),
    );
    const tables = dynamicTables.length > 0 ? dynamicTables : sectionRelocationTables(sections());
    return findRelocations(window, header, tables, slots);
  });

  const architecture = elfArchitecture(header.machine);
  const results: PluginDescriptorInfo[] = [];
  for (const { symbol, offset } of placed) {
    const space: AddressSpace = {
      pointer(at, stored) {
        const slot = symbol.value + at;
        return relocatedValue(header, relocations.get(slot), stored, symbols, `${symbol.name}+0x${at.toString(16)}`);
      },
      fileOffset: (address, length) =>
        address <= MAX_ADDRESS ? addresses.fileOffset(Number(address), length) : undefined,
    };
    const strings = readDescriptor(window, header.little, offset, layout, space, symbol.name);
    results.push({ plugin_kind: symbol.kind, export_name: symbol.name, file_type: "elf", architecture, ...strings });
  }
  return results;
}

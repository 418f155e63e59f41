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
import { architectureFrom, type PluginArchitecture, type PluginDescriptorInfo } from "./descriptor-info.ts";
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
export function elfArchitecture(machine: number): PluginArchitecture {
  return architectureFrom(machine, { x86: [3], x86_64: [62], arm: [40], arm64: [183] });
}

export function parseElf(window: FileWindow): PluginDescriptorInfo[] {
  const header = readElfHeader(window);
  const programHeaders = readProgramHeaders(window, header);
  const addresses = new ElfAddressMap(programHeaders);
  let sectionHeaders: SectionHeader[] | undefined;
  // Section headers are optional (stripped files); read them only when the dynamic segment is not enough.
  const sections = (): SectionHeader[] => {
    sectionHeaders ??= readSectionHeaders(window, header);
    return sectionHeaders;
  };

  const dynamic = readDynamic(window, header, programHeaders);
  const symbols = readDynamicSymbols(window, header, dynamic, addresses, sections);
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

  const slots = new Set(
    placed.flatMap(({ symbol }) => layout.strings.map((field) => symbol.value + BigInt(field.pointerAt))),
  );
  let tables = dynamic ? dynamicRelocationTables(header, dynamic, addresses) : [];
  if (tables.length === 0) tables = sectionRelocationTables(sections());
  const relocations = findRelocations(window, header, tables, slots);

  const architecture = elfArchitecture(header.machine);
  const results: PluginDescriptorInfo[] = [];
  for (const { symbol, offset } of placed) {
    const space: AddressSpace = {
      pointer(at, stored) {
        const slot = symbol.value + BigInt(at);
        return relocatedValue(header, relocations.get(slot), stored, symbols, `${symbol.name}+0x${at.toString(16)}`);
      },
      fileOffset: (address, length) => addresses.fileOffset(address, length),
    };
    const strings = readDescriptor(window, header.little, offset, layout, space, symbol.name);
    results.push({
      plugin_kind: symbol.kind,
      export_name: symbol.name,
      file_type: "elf",
      architecture,
      ...strings,
    });
  }
  return results;
}

/**
 * The defined dynamic symbols of an ELF file whose names announce a memflow descriptor, found
 * through the dynamic segment when there is one (stripped files have no section headers) and
 * through the SHT_DYNSYM section otherwise.
 */
import type { AddressMap } from "./address-map.ts";
import type { Fields } from "./bytes.ts";
import type { PluginKind } from "./descriptor-info.ts";
import { countFromGnuHash, countFromSysvHash, DT, type DynamicEntries } from "./elf-dynamic.ts";
import { type ElfHeader, readTable, type SectionHeader } from "./elf-headers.ts";
import { fail } from "./errors.ts";
import { decodeExportName, pluginKindOfBytes } from "./export-name.ts";
import type { FileWindow } from "./file-window.ts";

const SHT_DYNSYM = 11;
const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;

export interface ElfSymbol {
  /** The name, decoded strictly for descriptor exports and leniently (for messages) otherwise. */
  name: string;
  value: number;
  size: number;
  defined: boolean;
}

interface SymbolTableLocation {
  offset: number;
  count: number;
  entrySize: number;
  stringsOffset: number;
  stringsSize: number;
}

/** All dynamic symbols, by index, with names decoded only for the descriptor exports. */
export interface DynamicSymbols {
  /** Index → symbol, for relocations that name one. */
  at(index: number): ElfSymbol | undefined;
  /** The defined symbols whose names start with a memflow export prefix. */
  descriptors: (ElfSymbol & { kind: PluginKind })[];
}

export function readDynamicSymbols(
  window: FileWindow,
  header: ElfHeader,
  dynamic: DynamicEntries | undefined,
  addresses: AddressMap,
  sections: () => SectionHeader[],
): DynamicSymbols | undefined {
  const location =
    (dynamic && locateThroughDynamic(window, header, dynamic, addresses, sections)) ??
    locateThroughSections(sections());
  if (location === undefined) return undefined;
  window.prefetch([
    [location.offset, location.count * location.entrySize],
    [location.stringsOffset, location.stringsSize],
  ]);
  const table = readTable(window, header, location.offset, location.count, location.entrySize, "dynamic symbol");
  const strings = window.read(
    location.stringsOffset,
    location.stringsSize,
    header.little,
    "out-of-bounds",
    "the dynamic string table",
  );
  const count = location.count;
  const entrySize = location.entrySize;
  const descriptors: DynamicSymbols["descriptors"] = [];
  // A plain loop and literal (no spread): every ELF file runs this, before the JIT has compiled it.
  for (let index = 1; index < count; index += 1) {
    const nameAt = table.u32(index * entrySize);
    if (nameAt >= strings.length) continue;
    const name = strings.cString(nameAt, "a symbol name");
    const kind = pluginKindOfBytes(name);
    if (kind === undefined) continue;
    // Its name is decoded strictly below, not leniently for a message.
    const symbol = readSymbol(table, header, index * entrySize, strings, "");
    if (!symbol.defined) continue;
    const exportName = decodeExportName(name, strings.fileOffset + nameAt);
    descriptors.push({ name: exportName, value: symbol.value, size: symbol.size, defined: symbol.defined, kind });
  }
  return {
    // Only a symbolic relocation of a descriptor's field asks: rare, so read on demand.
    at: (index) => (index >= 0 && index < count ? readSymbol(table, header, index * entrySize, strings) : undefined),
    descriptors,
  };
}

function locateThroughDynamic(
  window: FileWindow,
  header: ElfHeader,
  dynamic: DynamicEntries,
  addresses: AddressMap,
  sections: () => SectionHeader[],
): SymbolTableLocation | undefined {
  const symtab = dynamic.get(DT.SYMTAB);
  const strtab = dynamic.get(DT.STRTAB);
  const stringsSize = dynamic.get(DT.STRSZ);
  if (symtab === undefined || strtab === undefined || stringsSize === undefined) return undefined;
  const offset = mapped(addresses, symtab, 0, "DT_SYMTAB");
  const stringsOffset = mapped(addresses, strtab, stringsSize, "DT_STRTAB");
  const entrySize = dynamic.get(DT.SYMENT) ?? (header.wide ? 24 : 16);
  if (entrySize < (header.wide ? 24 : 16)) throw fail("malformed", 0, `DT_SYMENT ${entrySize} is too small`);

  const gnuHash = dynamic.get(DT.GNU_HASH);
  const sysvHash = dynamic.get(DT.HASH);
  const hashOffset =
    (gnuHash === undefined ? undefined : addresses.fileOffset(gnuHash, 16)) ??
    (sysvHash === undefined ? undefined : addresses.fileOffset(sysvHash, 16));
  window.prefetch([hashOffset === undefined ? undefined : [hashOffset, 16], [stringsOffset, stringsSize]]);
  let count: number | undefined;
  if (gnuHash !== undefined) count = countFromGnuHash(window, header, mapped(addresses, gnuHash, 16, "DT_GNU_HASH"));
  else if (sysvHash !== undefined) count = countFromSysvHash(window, header, mapped(addresses, sysvHash, 8, "DT_HASH"));
  else count = locateThroughSections(sections())?.count;
  if (count === undefined)
    throw fail("not-found", offset, "the dynamic symbol table has no hash table to count its entries");
  return { offset, count, entrySize, stringsOffset, stringsSize };
}

function locateThroughSections(sections: readonly SectionHeader[]): SymbolTableLocation | undefined {
  const dynsym = sections.find((section) => section.type === SHT_DYNSYM);
  if (dynsym === undefined) return undefined;
  const strings = sections[dynsym.link];
  if (strings === undefined)
    throw fail("malformed", dynsym.offset, `SHT_DYNSYM links to missing section ${dynsym.link}`);
  if (dynsym.entsize === 0) throw fail("malformed", dynsym.offset, "SHT_DYNSYM has an entry size of 0");
  return {
    offset: dynsym.offset,
    count: Math.floor(dynsym.size / dynsym.entsize),
    entrySize: dynsym.entsize,
    stringsOffset: strings.offset,
    stringsSize: strings.size,
  };
}

function mapped(addresses: AddressMap, address: number, length: number, what: string): number {
  const offset = addresses.fileOffset(address, length);
  if (offset === undefined)
    throw fail("out-of-bounds", 0, `${what} 0x${address.toString(16)} is not stored in the file`);
  return offset;
}

const lossyUtf8 = new TextDecoder("utf-8");

/** The symbol at byte `at` of `table`; `name` when the caller has decoded it otherwise. */
function readSymbol(table: Fields, header: ElfHeader, at: number, strings: Fields, name?: string): ElfSymbol {
  const nameAt = table.u32(at);
  const shndx = table.u16(at + (header.wide ? 6 : 14));
  const value = header.wide ? table.offset64(at + 8, "st_value") : table.u32(at + 4);
  const size = header.wide ? table.offset64(at + 16, "st_size") : table.u32(at + 8);
  return { name: name ?? symbolName(strings, nameAt), value, size, defined: isDefinedIn(shndx) };
}

/**
 * Whether a symbol of section index `shndx` is defined in this file. SHN_XINDEX (0xffff) marks a
 * defined symbol whose section index is stored elsewhere; only undefined and absolute symbols
 * are not exports here.
 */
export function isDefinedIn(shndx: number): boolean {
  return shndx !== SHN_UNDEF && shndx !== SHN_ABS;
}

function symbolName(strings: Fields, at: number): string {
  return at < strings.length ? lossyUtf8.decode(strings.cString(at, "a symbol name")) : "";
}

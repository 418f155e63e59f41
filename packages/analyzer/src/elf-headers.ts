/**
 * ELF file header, program headers and section headers, for both classes and byte orders, and
 * the virtual-address-to-file-offset map the rest of the ELF parser uses.
 */
import { AddressMap, type MappedRange } from "./address-map.ts";
import type { Fields } from "./bytes.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
const PN_XNUM = 0xffff;

export interface ElfHeader {
  wide: boolean;
  little: boolean;
  machine: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
}

/** Addresses are numbers: no shared object is linked above 2^53, and larger values are refused. */
export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface SectionHeader {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

/**
 * An ELF structure as the analyzer reads it: its size in each class, and one function that reads
 * its fields for either class. A field that is 4 bytes in ELFCLASS32 and 8 in ELFCLASS64 (Elf_Addr,
 * Elf_Off, Elf64_Xword) is a `uword`; each offset reads `wide ? ELFCLASS64 : ELFCLASS32`.
 */
interface ElfStruct<T> {
  readonly size: readonly [elf32: number, elf64: number];
  read(fields: Fields, at: number, wide: boolean): T;
}

/** Elf32_Ehdr / Elf64_Ehdr. */
const EHDR: ElfStruct<ElfHeader> = {
  size: [52, 64],
  read: (h, at, wide) => ({
    wide,
    little: h.little,
    machine: h.u16(at + 18),
    phoff: h.uword(at + (wide ? 32 : 28), wide, "e_phoff"),
    shoff: h.uword(at + (wide ? 40 : 32), wide, "e_shoff"),
    phentsize: h.u16(at + (wide ? 54 : 42)),
    phnum: h.u16(at + (wide ? 56 : 44)),
    shentsize: h.u16(at + (wide ? 58 : 46)),
    shnum: h.u16(at + (wide ? 60 : 48)),
  }),
};

/**
 * Elf32_Phdr / Elf64_Phdr (ELFCLASS64 moves p_flags up, hence the reordered offsets). A plugin
 * has about ten, read once per file before the JIT has compiled anything: each field picks its
 * width here rather than through `uword`, a call less per field.
 */
const PHDR: ElfStruct<ProgramHeader> = {
  size: [32, 56],
  read: (table, at, wide) => ({
    type: table.u32(at),
    offset: wide ? table.offset64(at + 8, "p_offset") : table.u32(at + 4),
    vaddr: wide ? table.offset64(at + 16, "p_vaddr") : table.u32(at + 8),
    filesz: wide ? table.offset64(at + 32, "p_filesz") : table.u32(at + 16),
    memsz: wide ? table.offset64(at + 40, "p_memsz") : table.u32(at + 20),
  }),
};

/** Elf32_Shdr / Elf64_Shdr. */
const SHDR: ElfStruct<SectionHeader> = {
  size: [40, 64],
  read: (table, at, wide) => ({
    type: table.u32(at + 4),
    offset: table.uword(at + (wide ? 24 : 16), wide, "sh_offset"),
    size: table.uword(at + (wide ? 32 : 20), wide, "sh_size"),
    link: table.u32(at + (wide ? 40 : 24)),
    entsize: table.uword(at + (wide ? 56 : 36), wide, "sh_entsize"),
  }),
};

/** e_ident's class and data bytes: 64-bit (ELFCLASS64) and little-endian (ELFDATA2LSB) or not. */
export function readElfIdent(window: FileWindow): { wide: boolean; little: boolean } {
  const ident = window.read(0, 16, true, "truncated", "the ELF identification");
  const elfClass = ident.u8(4);
  const data = ident.u8(5);
  if (elfClass !== 1 && elfClass !== 2) throw fail("malformed", 4, `unknown ELF class ${elfClass}`);
  if (data !== 1 && data !== 2) throw fail("malformed", 5, `unknown ELF byte order ${data}`);
  return { wide: elfClass === 2, little: data === 1 };
}

export function readElfHeader(window: FileWindow): ElfHeader {
  const { wide, little } = readElfIdent(window);
  const c = wide ? 1 : 0;
  const header = EHDR.read(window.read(0, EHDR.size[c], little, "truncated", "the ELF header"), 0, wide);
  if (header.phnum > 0 && header.phentsize < PHDR.size[c]) {
    throw fail("malformed", wide ? 54 : 42, `program header entries of ${header.phentsize} bytes are too small`);
  }
  if (header.shoff !== 0 && header.shentsize < SHDR.size[c]) {
    // Stripped files may keep garbage here; only a file that has section headers needs it right.
    header.shoff = 0;
    header.shnum = 0;
  }
  // Counts that do not fit the header live in section header 0 (ELF's extended numbering).
  if (header.shoff !== 0 && (header.shnum === 0 || header.phnum === PN_XNUM)) {
    const first = window.read(header.shoff, SHDR.size[c], little, "truncated", "section header 0");
    if (header.shnum === 0) header.shnum = first.uword(wide ? 32 : 20, wide, "extended e_shnum"); // sh_size
    if (header.phnum === PN_XNUM) header.phnum = first.u32(wide ? 44 : 28); // sh_info
  }
  return header;
}

/** Reads `count` fixed-size entries of `stride` bytes starting at `offset`, as one read. */
export function readTable(
  window: FileWindow,
  header: ElfHeader,
  offset: number,
  count: number,
  stride: number,
  what: string,
): Fields {
  if (count > Math.floor(window.size / Math.max(stride, 1))) {
    throw fail("truncated", offset, `${count} ${what} entries cannot fit in a file of ${window.size} bytes`);
  }
  return window.read(offset, count * stride, header.little, "truncated", `the ${what} table`);
}

/** Reads a table of `count` structures, `stride` bytes apart, with one read. */
function readStructs<T>(
  window: FileWindow,
  header: ElfHeader,
  struct: ElfStruct<T>,
  offset: number,
  count: number,
  stride: number,
  what: string,
): T[] {
  const table = readTable(window, header, offset, count, stride, what);
  const records: T[] = [];
  for (let index = 0; index < count; index += 1) records.push(struct.read(table, index * stride, header.wide));
  return records;
}

export function readProgramHeaders(window: FileWindow, header: ElfHeader): ProgramHeader[] {
  if (header.phnum === 0) return [];
  return readStructs(window, header, PHDR, header.phoff, header.phnum, header.phentsize, "program header");
}

export function readSectionHeaders(window: FileWindow, header: ElfHeader): SectionHeader[] {
  if (header.shoff === 0 || header.shnum === 0) return [];
  return readStructs(window, header, SHDR, header.shoff, header.shnum, header.shentsize, "section header");
}

/**
 * Maps virtual addresses to file offsets through the PT_LOAD segments, the way the dynamic
 * loader lays the file out. (memflow maps only the descriptor this way and uses string
 * addresses as file offsets, which breaks when a segment's p_vaddr differs from its p_offset.)
 */
export function elfAddressMap(programHeaders: readonly ProgramHeader[]): AddressMap {
  const ranges: MappedRange[] = [];
  for (let index = 0; index < programHeaders.length; index += 1) {
    const segment = programHeaders[index] as ProgramHeader;
    if (segment.type === PT_LOAD) {
      ranges.push({ address: segment.vaddr, fileOffset: segment.offset, fileSize: segment.filesz });
    }
  }
  return new AddressMap(ranges);
}

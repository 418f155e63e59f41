/**
 * ELF file header, program headers and section headers, for both classes and byte orders, and
 * the virtual-address-to-file-offset map the rest of the ELF parser uses.
 */
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

const EHDR_SIZE_64 = 64;
const EHDR_SIZE_32 = 52;
const PHDR_SIZE_64 = 56;
const PHDR_SIZE_32 = 32;
const SHDR_SIZE_64 = 64;
const SHDR_SIZE_32 = 40;

export function readElfHeader(window: FileWindow): ElfHeader {
  const ident = window.read(0, 16, true, "truncated", "the ELF identification");
  const elfClass = ident.u8(4);
  const data = ident.u8(5);
  if (elfClass !== 1 && elfClass !== 2) throw fail("malformed", 4, `unknown ELF class ${elfClass}`);
  if (data !== 1 && data !== 2) throw fail("malformed", 5, `unknown ELF byte order ${data}`);
  const wide = elfClass === 2;
  const little = data === 1;
  const h = window.read(0, wide ? EHDR_SIZE_64 : EHDR_SIZE_32, little, "truncated", "the ELF header");
  const header: ElfHeader = wide
    ? {
        wide,
        little,
        machine: h.u16(18),
        phoff: h.offset64(32, "e_phoff"),
        shoff: h.offset64(40, "e_shoff"),
        phentsize: h.u16(54),
        phnum: h.u16(56),
        shentsize: h.u16(58),
        shnum: h.u16(60),
      }
    : {
        wide,
        little,
        machine: h.u16(18),
        phoff: h.u32(28),
        shoff: h.u32(32),
        phentsize: h.u16(42),
        phnum: h.u16(44),
        shentsize: h.u16(46),
        shnum: h.u16(48),
      };
  const minPhent = wide ? PHDR_SIZE_64 : PHDR_SIZE_32;
  const minShent = wide ? SHDR_SIZE_64 : SHDR_SIZE_32;
  if (header.phnum > 0 && header.phentsize < minPhent) {
    throw fail("malformed", wide ? 54 : 42, `program header entries of ${header.phentsize} bytes are too small`);
  }
  if (header.shoff !== 0 && header.shentsize < minShent) {
    // Stripped files may keep garbage here; only a file that has section headers needs it right.
    header.shoff = 0;
    header.shnum = 0;
  }
  // Counts that do not fit the header live in section header 0 (ELF's extended numbering).
  if (header.shoff !== 0 && (header.shnum === 0 || header.phnum === PN_XNUM)) {
    const first = window.read(header.shoff, minShent, little, "truncated", "section header 0");
    if (header.shnum === 0) header.shnum = first.uword(wide ? 32 : 20, wide, "extended e_shnum");
    if (header.phnum === PN_XNUM) header.phnum = first.u32(wide ? 44 : 28);
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

export function readProgramHeaders(window: FileWindow, header: ElfHeader): ProgramHeader[] {
  if (header.phnum === 0) return [];
  const table = readTable(window, header, header.phoff, header.phnum, header.phentsize, "program header");
  const headers: ProgramHeader[] = [];
  for (let index = 0; index < header.phnum; index += 1) {
    const at = index * header.phentsize;
    headers.push(
      header.wide
        ? {
            type: table.u32(at),
            offset: table.offset64(at + 8, "p_offset"),
            vaddr: table.offset64(at + 16, "p_vaddr"),
            filesz: table.offset64(at + 32, "p_filesz"),
            memsz: table.offset64(at + 40, "p_memsz"),
          }
        : {
            type: table.u32(at),
            offset: table.u32(at + 4),
            vaddr: table.u32(at + 8),
            filesz: table.u32(at + 16),
            memsz: table.u32(at + 20),
          },
    );
  }
  return headers;
}

export function readSectionHeaders(window: FileWindow, header: ElfHeader): SectionHeader[] {
  if (header.shoff === 0 || header.shnum === 0) return [];
  const table = readTable(window, header, header.shoff, header.shnum, header.shentsize, "section header");
  const sections: SectionHeader[] = [];
  for (let index = 0; index < header.shnum; index += 1) {
    const at = index * header.shentsize;
    sections.push(
      header.wide
        ? {
            type: table.u32(at + 4),
            offset: table.offset64(at + 24, "sh_offset"),
            size: table.offset64(at + 32, "sh_size"),
            link: table.u32(at + 40),
            entsize: table.offset64(at + 56, "sh_entsize"),
          }
        : {
            type: table.u32(at + 4),
            offset: table.u32(at + 16),
            size: table.u32(at + 20),
            link: table.u32(at + 24),
            entsize: table.u32(at + 36),
          },
    );
  }
  return sections;
}

/**
 * Maps virtual addresses to file offsets through the PT_LOAD segments, the way the dynamic
 * loader lays the file out. (memflow maps only the descriptor this way and uses string
 * addresses as file offsets, which breaks when a segment's p_vaddr differs from its p_offset.)
 */
export class ElfAddressMap {
  readonly #loads: ProgramHeader[];

  constructor(programHeaders: readonly ProgramHeader[]) {
    this.#loads = programHeaders.filter((segment) => segment.type === PT_LOAD);
  }

  get hasSegments(): boolean {
    return this.#loads.length > 0;
  }

  /** The file offset of `[address, address + length)`, when the whole range is backed by file bytes. */
  fileOffset(address: number, length: number): number | undefined {
    for (const segment of this.#loads) {
      const delta = address - segment.vaddr;
      if (delta >= 0 && delta + length <= segment.filesz) return segment.offset + delta;
    }
    return undefined;
  }
}

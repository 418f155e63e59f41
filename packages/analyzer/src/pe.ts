/**
 * Plugin descriptors in a PE image (PE32 and PE32+): named exports from the export directory,
 * read through the section table. Pointers in a PE file hold virtual addresses at the preferred
 * image base, so no relocation is needed; 64-bit image bases stay bigint.
 */
import { AddressMap, type MappedRange } from "./address-map.ts";
import type { Fields } from "./bytes.ts";
import {
  type AddressSpace,
  type DescriptorExport,
  type DescriptorFormat,
  descriptorLayout,
  readDescriptors,
} from "./descriptor.ts";
import { architectureTable, type PluginDescriptorInfo } from "./descriptor-info.ts";
import { fail } from "./errors.ts";
import { decodeExportName, pluginKindOfBytes } from "./export-name.ts";
import type { FileWindow } from "./file-window.ts";

export const PE32_MAGIC = 0x10b;
export const PE32_PLUS_MAGIC = 0x20b;
export const SECTION_HEADER_SIZE = 40;
export const EXPORT_DIRECTORY_SIZE = 40;
/** Longest export name the analyzer reads; real ones are far shorter. */
export const MAX_NAME = 4096;

/** COFF machine: 0x14c i386, 0x8664 AMD64, 0x1c0/0x1c4 ARM/ARMNT, 0xaa64 ARM64. */
export const peArchitecture = architectureTable({
  x86: [0x14c],
  x86_64: [0x8664],
  arm: [0x1c0, 0x1c4],
  arm64: [0xaa64],
});

interface PeExports {
  format: DescriptorFormat;
  space: AddressSpace;
  found: DescriptorExport[];
}

/** Headers, sections and the descriptor exports with their file offsets: everything but the descriptors. */
function readPeExports(window: FileWindow): PeExports | undefined {
  const dos = window.read(0, 0x40, true, "truncated", "the DOS header");
  const peOffset = dos.u32(0x3c);
  const coff = window.read(peOffset, 24, true, "truncated", "the PE signature and COFF header");
  if (coff.u32(0) !== 0x00004550) throw fail("malformed", window.base + peOffset, "missing the PE\\0\\0 signature");
  const machine = coff.u16(4);
  const sectionCount = coff.u16(6);
  const optionalSize = coff.u16(20);
  const optional = window.read(peOffset + 24, optionalSize, true, "truncated", "the optional header");
  const magic = optional.u16(0);
  if (magic !== PE32_MAGIC && magic !== PE32_PLUS_MAGIC) {
    throw fail("malformed", optional.fileOffset, `unknown optional header magic 0x${magic.toString(16)}`);
  }
  const wide = magic === PE32_PLUS_MAGIC;
  const imageBase = wide ? optional.u64(24) : BigInt(optional.u32(28));
  const directoryCount = optional.u32(wide ? 108 : 92);
  const directoriesAt = wide ? 112 : 96;

  const sectionTable = window.read(
    peOffset + 24 + optionalSize,
    sectionCount * SECTION_HEADER_SIZE,
    true,
    "truncated",
    "the section table",
  );
  // An RVA is in the file where a section's raw data holds it (VirtualAddress, SizeOfRawData,
  // PointerToRawData); past SizeOfRawData a section is zero-filled memory, not file bytes.
  const ranges: MappedRange[] = [];
  for (let index = 0; index < sectionCount; index += 1) {
    const at = index * SECTION_HEADER_SIZE;
    ranges.push({
      address: sectionTable.u32(at + 12),
      fileOffset: sectionTable.u32(at + 20),
      fileSize: sectionTable.u32(at + 16),
    });
  }
  const sections = new AddressMap(ranges);

  if (directoryCount === 0) return undefined;
  const exportRva = optional.u32(directoriesAt);
  const exportSize = optional.u32(directoriesAt + 4);
  if (exportRva === 0 || exportSize === 0) return undefined;
  const exportOffset = sections.fileOffset(exportRva, Math.min(exportSize, EXPORT_DIRECTORY_SIZE));
  if (exportOffset === undefined)
    throw fail("out-of-bounds", optional.fileOffset + directoriesAt, "the export directory is not stored in the file");
  // The directory, its tables and usually all names lie inside the export data; read it once.
  const exportData = window.read(
    exportOffset,
    Math.max(exportSize, EXPORT_DIRECTORY_SIZE),
    true,
    "out-of-bounds",
    "the export data",
  );
  const functionCount = exportData.u32(20);
  const nameCount = exportData.u32(24);
  const functions = table(
    window,
    sections,
    exportRva,
    exportData,
    exportData.u32(28),
    functionCount * 4,
    "export address table",
  );
  const names = table(window, sections, exportRva, exportData, exportData.u32(32), nameCount * 4, "export name table");
  const ordinals = table(
    window,
    sections,
    exportRva,
    exportData,
    exportData.u32(36),
    nameCount * 2,
    "export ordinal table",
  );

  const layout = descriptorLayout(wide);
  const space: AddressSpace = {
    pointer(_entry, _at, stored) {
      return stored;
    },
    fileOffset(address, length) {
      if (address < imageBase) return undefined;
      const rva = address - imageBase;
      return rva > 0xffffffffn ? undefined : sections.fileOffset(Number(rva), length);
    },
  };
  const found: DescriptorExport[] = [];
  for (let index = 0; index < nameCount; index += 1) {
    const stored = exportName(window, sections, exportRva, exportData, names.u32(index * 4));
    const kind = pluginKindOfBytes(stored.bytes);
    if (kind === undefined) continue;
    const name = decodeExportName(stored.bytes, stored.fileOffset);
    const ordinal = ordinals.u16(index * 2);
    if (ordinal >= functionCount) {
      throw fail(
        "malformed",
        ordinals.fileOffset + index * 2,
        `${name} has ordinal index ${ordinal} of ${functionCount}`,
      );
    }
    const rva = functions.u32(ordinal * 4);
    // A forwarder's "address" points at a "dll.symbol" string inside the export data.
    if (rva >= exportRva && rva < exportRva + exportSize) continue;
    const offset = sections.fileOffset(rva, layout.size);
    if (offset === undefined) {
      throw fail(
        "not-found",
        functions.fileOffset + ordinal * 4,
        `${name} at RVA 0x${rva.toString(16)} is not stored in the file`,
      );
    }
    found.push({ name, kind, offset });
  }
  return { format: { fileType: "pe", architecture: peArchitecture(machine), little: true, layout }, space, found };
}

export function parsePe(window: FileWindow): PluginDescriptorInfo[] {
  // Parsed once per analysis, however often a reader's fetches re-run us.
  const exports = window.memo("pe-exports", () => readPeExports(window));
  if (exports === undefined) return [];
  // A PE file stores pointers as the loader leaves them: one address space serves every export.
  return readDescriptors(window, exports.format, exports.found, exports.space);
}

/** A table the export directory points at: from the export data already read when it lies there. */
function table(
  window: FileWindow,
  sections: AddressMap,
  exportRva: number,
  exportData: Fields,
  rva: number,
  size: number,
  what: string,
): Fields {
  const inside = rva - exportRva;
  if (inside >= 0 && inside + size <= exportData.length)
    return exportData.slice(inside, size, "out-of-bounds", `the ${what}`);
  const offset = sections.fileOffset(rva, size);
  if (offset === undefined) throw fail("out-of-bounds", exportData.fileOffset, `the ${what} is not stored in the file`);
  return window.read(offset, size, true, "out-of-bounds", `the ${what}`);
}

/** An export name's bytes (without the NUL) and where they are stored. */
function exportName(
  window: FileWindow,
  sections: AddressMap,
  exportRva: number,
  exportData: Fields,
  rva: number,
): { bytes: Uint8Array; fileOffset: number } {
  const inside = rva - exportRva;
  if (inside >= 0 && inside < exportData.length) {
    return { bytes: exportData.cString(inside, "an export name"), fileOffset: exportData.fileOffset + inside };
  }
  const offset = sections.fileOffset(rva, 1);
  if (offset === undefined)
    throw fail("out-of-bounds", exportData.fileOffset, "an export name is not stored in the file");
  const length = Math.min(MAX_NAME, window.size - offset);
  const stored = window.read(offset, length, true, "out-of-bounds", "an export name");
  return { bytes: stored.cString(0, "an export name"), fileOffset: stored.fileOffset };
}

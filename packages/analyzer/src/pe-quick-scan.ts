/**
 * The quick scan of a PE plugin (`quick-scan.ts`): the full parser's reading (`pe.ts`) straight
 * through. It gives up (GIVE_UP) wherever the full parser would refuse the file, and on
 * headers too short for the fields it reads, which the full parser may read otherwise.
 */
import { AddressMap, type MappedRange } from "./address-map.ts";
import { descriptorLayout } from "./descriptor.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import { decodeExportName, pluginKindOfBytes } from "./export-name.ts";
import {
  EXPORT_DIRECTORY_SIZE,
  MAX_NAME,
  PE32_MAGIC,
  PE32_PLUS_MAGIC,
  peArchitecture,
  SECTION_HEADER_SIZE,
} from "./pe.ts";
import {
  at,
  exportKinds,
  exportNames,
  exportPlaces,
  fileSize,
  GIVE_UP,
  nameAt,
  type QuickSpace,
  readQuickDescriptors,
  u16,
  u32,
} from "./quick-read.ts";

// The file's state for `space`, set by `quickScanPe`.
let imageBase = 0n;
let sections: AddressMap | undefined;

/** PE's pointers hold addresses at the preferred image base (pe.ts's AddressSpace). */
const space: QuickSpace = {
  pointer(_exportIndex, _pointerAt, stored) {
    return stored;
  },
  fileOffset(address, length) {
    if (sections === undefined) throw GIVE_UP;
    if (address < imageBase) return undefined;
    const rva = address - imageBase;
    return rva > 0xffffffffn ? undefined : sections.fileOffset(Number(rva), length);
  },
};

/** The descriptors of the PE file `startRead` began; throws GIVE_UP where the full parser must read it. */
export function quickScanPe(): PluginDescriptorInfo[] {
  const peOffset = u32(0x3c);
  const coff = at(peOffset, 24);
  if (u32(coff) !== 0x00004550) throw GIVE_UP;
  const machine = u16(coff + 4);
  const sectionCount = u16(coff + 6);
  const optionalSize = u16(coff + 20);
  const optional = at(peOffset + 24, optionalSize);
  const magic = u16(optional);
  if (magic !== PE32_MAGIC && magic !== PE32_PLUS_MAGIC) throw GIVE_UP;
  const wide = magic === PE32_PLUS_MAGIC;
  const directoriesAt = wide ? 112 : 96;
  // The fields below up to the export directory's entry; shorter headers go to the full parser.
  if (optionalSize < directoriesAt + 8) throw GIVE_UP;
  imageBase = wide
    ? BigInt(u32(optional + 28)) * 0x1_0000_0000n + BigInt(u32(optional + 24))
    : BigInt(u32(optional + 28));
  const directoryCount = u32(optional + directoriesAt - 4);

  const table = at(peOffset + 24 + optionalSize, sectionCount * SECTION_HEADER_SIZE);
  const ranges: MappedRange[] = [];
  for (let index = 0; index < sectionCount; index += 1) {
    const header = table + index * SECTION_HEADER_SIZE;
    ranges.push({ address: u32(header + 12), fileOffset: u32(header + 20), fileSize: u32(header + 16) });
  }
  sections = new AddressMap(ranges);

  if (directoryCount === 0) return [];
  const exportRva = u32(optional + directoriesAt);
  const exportSize = u32(optional + directoriesAt + 4);
  if (exportRva === 0 || exportSize === 0) return [];
  const exportOffset = sections.fileOffset(exportRva, Math.min(exportSize, EXPORT_DIRECTORY_SIZE));
  if (exportOffset === undefined) throw GIVE_UP;
  const exportLength = Math.max(exportSize, EXPORT_DIRECTORY_SIZE);
  const exportData = at(exportOffset, exportLength);
  const functionCount = u32(exportData + 20);
  const nameCount = u32(exportData + 24);
  const functions = exportTable(exportRva, exportData, exportLength, u32(exportData + 28), functionCount * 4);
  const names = exportTable(exportRva, exportData, exportLength, u32(exportData + 32), nameCount * 4);
  const ordinals = exportTable(exportRva, exportData, exportLength, u32(exportData + 36), nameCount * 2);

  const layout = descriptorLayout(wide);
  let count = 0;
  for (let index = 0; index < nameCount; index += 1) {
    const name = exportName(exportRva, exportData, exportLength, u32(names + index * 4));
    const kind = pluginKindOfBytes(name);
    if (kind === undefined) continue;
    const decoded = decodeExportName(name, 0);
    const ordinal = u16(ordinals + index * 2);
    if (ordinal >= functionCount) throw GIVE_UP;
    const rva = u32(functions + ordinal * 4);
    // A forwarder's "address" points at a "dll.symbol" string inside the export data.
    if (rva >= exportRva && rva < exportRva + exportSize) continue;
    const place = sections.fileOffset(rva, layout.size);
    if (place === undefined) throw GIVE_UP;
    exportNames[count] = decoded;
    exportKinds[count] = kind;
    exportPlaces[count] = place;
    count += 1;
  }
  if (count === 0) return [];
  return readQuickDescriptors(count, { fileType: "pe", architecture: peArchitecture(machine), layout }, space);
}

/** The arena index of a table the export directory points at (pe.ts's `table`). */
function exportTable(exportRva: number, exportData: number, exportLength: number, rva: number, size: number): number {
  const inside = rva - exportRva;
  if (inside >= 0 && inside + size <= exportLength) return exportData + inside;
  const offset = sections?.fileOffset(rva, size);
  if (offset === undefined) throw GIVE_UP;
  return at(offset, size);
}

/** An export name's bytes without the NUL (pe.ts's `exportName`). */
function exportName(exportRva: number, exportData: number, exportLength: number, rva: number): Uint8Array {
  const inside = rva - exportRva;
  if (inside >= 0 && inside < exportLength) return nameAt(exportData + inside, exportData + exportLength);
  const offset = sections?.fileOffset(rva, 1);
  if (offset === undefined) throw GIVE_UP;
  const length = Math.min(MAX_NAME, fileSize - offset);
  const stored = at(offset, length);
  return nameAt(stored, stored + length);
}

/**
 * The quick scan of a thin little-endian Mach-O plugin (`quick-scan.ts`): the full parser's
 * reading (`macho.ts`) over the bytes the quick scan read, through the full parser's own
 * functions for the load commands, the export trie, the chained fixups and the exports'
 * places; what it leaves out is the reading machinery. Universal and big-endian files go to the
 * full parser, as does anything it would refuse (GIVE_UP).
 */
import { descriptorLayout } from "./descriptor.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import {
  imageBaseOf,
  loadCommandsOf,
  type MachODescriptor,
  machArchitecture,
  placeExports,
  type Segment,
  segmentOffset,
} from "./macho.ts";
import { descriptorExports } from "./macho-export-trie.ts";
import { chainedFixupFormats, decodeChainedPointer } from "./macho-fixups.ts";
import {
  at,
  exportKinds,
  exportNames,
  exportPlaces,
  fieldsAt,
  GIVE_UP,
  type QuickSpace,
  readQuickDescriptors,
  u32,
} from "./quick-read.ts";

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;

// The file's state for `space`, set by `quickScanMachO`.
let imageBase = 0n;
let segments: readonly Segment[] = [];
let found: readonly MachODescriptor[] = [];

/** Mach-O's pointers: decoded from chained fixups where a segment has them (macho.ts's AddressSpace). */
const space: QuickSpace = {
  pointer(exportIndex, pointerAt, stored) {
    const entry = found[exportIndex];
    if (entry === undefined) throw GIVE_UP;
    if (entry.pointerFormat === undefined) return stored;
    return decodeChainedPointer(
      entry.pointerFormat,
      stored,
      imageBase,
      entry.offset + pointerAt,
      entry.name,
      pointerAt,
    );
  },
  fileOffset(address, length) {
    return segmentOffset(segments, address, length);
  },
};

/** The descriptors of the Mach-O file `startRead` began; throws GIVE_UP where the full parser must read it. */
export function quickScanMachO(): PluginDescriptorInfo[] {
  const magic = u32(0);
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) throw GIVE_UP;
  const wide = magic === MH_MAGIC_64;
  const headerSize = wide ? 32 : 28;
  const header = fieldsAt(0, headerSize);
  const commands = loadCommandsOf(header, fieldsAt(headerSize, header.u32(20)), true, wide);
  const exportTrie = commands.exportTrie;
  if (exportTrie === undefined || exportTrie.size === 0) return [];
  const fixups = commands.chainedFixups;
  // The trie and the fixups lie side by side in __LINKEDIT: one read for both, as the full parser asks for them.
  if (fixups !== undefined && fixups.size > 0) {
    const low = Math.min(exportTrie.offset, fixups.offset);
    const high = Math.max(exportTrie.offset + exportTrie.size, fixups.offset + fixups.size);
    if (high - low <= 64 * 1024) at(low, high - low);
  }
  const trie = fieldsAt(exportTrie.offset, exportTrie.size);
  const exports = descriptorExports(trie);
  if (exports.length === 0) return [];
  const formats = fixups === undefined ? undefined : chainedFixupFormats(fieldsAt(fixups.offset, fixups.size));
  segments = commands.segments;
  imageBase = imageBaseOf(segments);
  const layout = descriptorLayout(wide);
  found = placeExports(exports, trie, segments, imageBase, layout.size, formats);
  for (let index = 0; index < found.length; index += 1) {
    const entry = found[index] as MachODescriptor;
    exportNames[index] = entry.name;
    exportKinds[index] = entry.kind;
    exportPlaces[index] = entry.offset;
  }
  const format = { fileType: "mach", architecture: machArchitecture(commands.cputype), layout } as const;
  return readQuickDescriptors(found.length, format, space);
}

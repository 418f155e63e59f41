/**
 * Plugin descriptors in Mach-O files, thin or universal ("fat"), 32- or 64-bit: exports from the
 * export trie, pointers decoded from chained fixups (or taken as stored, with classic rebase
 * info), and every address mapped to a file offset through the segments.
 */
import type { Fields } from "./bytes.ts";
import type { AddressSpace, DescriptorExport, DescriptorFormat } from "./descriptor.ts";
import { descriptorLayout, readDescriptors } from "./descriptor.ts";
import { architectureTable, type PluginDescriptorInfo } from "./descriptor-info.ts";
import { fail } from "./errors.ts";
import { decodeExportName, pluginKindOfBytes } from "./export-name.ts";
import type { FileWindow } from "./file-window.ts";
import { descriptorExports, type TrieExport } from "./macho-export-trie.ts";
import {
  decodeChainedPointer,
  linkeditData,
  readChainedFixupFormats,
  type SegmentPointerFormats,
} from "./macho-fixups.ts";

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const LC_DYLD_INFO = 0x22;
const LC_DYLD_INFO_ONLY = 0x80000022;
const LC_DYLD_EXPORTS_TRIE = 0x80000033;
const LC_DYLD_CHAINED_FIXUPS = 0x80000034;

export interface Segment {
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
}

/** cputype: 7 x86, 0x01000007 x86_64, 12 arm, 0x0100000c arm64 (the 64-bit flag is bit 24). */
export const machArchitecture = architectureTable({ x86: [7], x86_64: [0x01000007], arm: [12], arm64: [0x0100000c] });

export function parseMachO(window: FileWindow): PluginDescriptorInfo[] {
  const fat = fatMagic(window);
  if (fat === undefined) return parseThin(window);
  return eachSlice(window, fat.wide, parseThin).flat();
}

/**
 * Whether each image in a Mach-O file is little-endian: the thin file's, or every slice's of a
 * universal one, in slice order. A universal file without slices holds no image: `malformed`.
 */
export function machOImagesLittleEndian(window: FileWindow): boolean[] {
  const fat = fatMagic(window);
  if (fat === undefined) return [thinMagic(window).little];
  const orders = eachSlice(window, fat.wide, (slice) => thinMagic(slice).little);
  if (orders.length === 0) throw fail("malformed", 4, "a universal file without slices holds no code");
  return orders;
}

/** A universal file's magic (stored big-endian, FAT_MAGIC or FAT_MAGIC_64), or undefined for a thin file. */
function fatMagic(window: FileWindow): { wide: boolean } | undefined {
  const magic = window.read(0, 4, false, "truncated", "the Mach-O magic").u32(0);
  return magic === 0xcafebabe || magic === 0xcafebabf ? { wide: magic === 0xcafebabf } : undefined;
}

const FAT_ARCH_SIZE = 20;
const FAT_ARCH_64_SIZE = 32;
/** More slices than this is no universal binary (0xcafebabe also starts Java class files). */
const MAX_FAT_ARCHES = 64;

/** `each` applied to every slice of a universal file, in order; a static archive slice is unsupported. */
function eachSlice<T>(window: FileWindow, wide: boolean, each: (slice: FileWindow) => T): T[] {
  const head = window.read(0, 8, false, "truncated", "the universal header");
  const count = head.u32(4);
  if (count > MAX_FAT_ARCHES) throw fail("bad-magic", 0, `a universal binary with ${count} slices is not plausible`);
  const entrySize = wide ? FAT_ARCH_64_SIZE : FAT_ARCH_SIZE;
  const arches = window.read(8, count * entrySize, false, "truncated", "the universal slice table");
  const results: T[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = index * entrySize;
    const offset = wide ? arches.offset64(at + 8, "slice offset") : arches.u32(at + 8);
    const size = wide ? arches.offset64(at + 16, "slice size") : arches.u32(at + 12);
    const slice = window.sub(offset, size, `universal slice ${index}`);
    if (slice.size >= 8) {
      const start = slice.read(0, 8, false, "truncated", "a slice's magic");
      if (start.u32(0) === 0x213c6172 && start.u32(4) === 0x63683e0a) {
        throw fail("unsupported", slice.base, `universal slice ${index} is a static archive, not a library`);
      }
    }
    results.push(each(slice));
  }
  return results;
}

/** A thin Mach-O header's byte order and width, from its magic. */
function thinMagic(window: FileWindow): { little: boolean; wide: boolean } {
  const magic = window.read(0, 4, true, "truncated", "the Mach-O magic").u32(0);
  const little = magic === 0xfeedface || magic === 0xfeedfacf;
  const swapped = magic === 0xcefaedfe || magic === 0xcffaedfe;
  if (!little && !swapped) throw fail("bad-magic", window.base, `0x${magic.toString(16)} is not a thin Mach-O magic`);
  return { little, wide: magic === 0xfeedfacf || magic === 0xcffaedfe };
}

export interface LoadCommands {
  little: boolean;
  wide: boolean;
  cputype: number;
  segments: Segment[];
  exportTrie: { offset: number; size: number } | undefined;
  chainedFixups: { offset: number; size: number } | undefined;
}

function readLoadCommands(window: FileWindow): LoadCommands {
  const { little, wide } = thinMagic(window);
  const headerSize = wide ? 32 : 28;
  const header = window.read(0, headerSize, little, "truncated", "the Mach-O header");
  const commands = window.read(headerSize, header.u32(20), little, "truncated", "the load commands");
  return loadCommandsOf(header, commands, little, wide);
}

/**
 * What the analyzer needs from a thin image's load commands, given its header and the commands'
 * bytes (read by the caller: the full parser or the quick scan, `macho-quick-scan.ts`).
 */
export function loadCommandsOf(header: Fields, commands: Fields, little: boolean, wide: boolean): LoadCommands {
  const commandCount = header.u32(16);
  const result: LoadCommands = {
    little,
    wide,
    cputype: header.u32(4),
    segments: [],
    exportTrie: undefined,
    chainedFixups: undefined,
  };
  let at = 0;
  for (let index = 0; index < commandCount; index += 1) {
    const command = commands.u32(at);
    const size = commands.u32(at + 4);
    if (size < 8 || at + size > commands.length) {
      throw fail("malformed", commands.fileOffset + at, `load command ${index} has size ${size}`);
    }
    // Inside the commands (tested just above), so the slice cannot fail: no text to build per command.
    const fields = commands.slice(at, size, "malformed", "a load command");
    if (command === LC_SEGMENT_64) {
      result.segments.push({
        vmaddr: fields.u64(24),
        vmsize: fields.u64(32),
        fileoff: fields.offset64(40, "segment fileoff"),
        filesize: fields.offset64(48, "segment filesize"),
      });
    } else if (command === LC_SEGMENT) {
      result.segments.push({
        vmaddr: BigInt(fields.u32(24)),
        vmsize: BigInt(fields.u32(28)),
        fileoff: fields.u32(32),
        filesize: fields.u32(36),
      });
    } else if (command === LC_DYLD_EXPORTS_TRIE) {
      result.exportTrie = linkeditData(fields);
    } else if ((command === LC_DYLD_INFO || command === LC_DYLD_INFO_ONLY) && result.exportTrie === undefined) {
      result.exportTrie = { offset: fields.u32(40), size: fields.u32(44) };
    } else if (command === LC_DYLD_CHAINED_FIXUPS) {
      result.chainedFixups = linkeditData(fields);
    }
    at += size;
  }
  return result;
}

function parseThin(window: FileWindow): PluginDescriptorInfo[] {
  // Each `memo` stage is parsed once per analysis, however often a reader's fetches re-run us.
  const { little, wide, cputype, segments, exportTrie, chainedFixups } = window.memo("macho-commands", () =>
    readLoadCommands(window),
  );
  if (exportTrie === undefined || exportTrie.size === 0) return [];

  window.prefetch([[exportTrie.offset, exportTrie.size], chainedFixups && [chainedFixups.offset, chainedFixups.size]]);
  const { trie, exports, formats } = window.memo("macho-exports", () => {
    const trie = window.read(exportTrie.offset, exportTrie.size, little, "out-of-bounds", "the export trie");
    const exports = descriptorExports(trie);
    const formats: SegmentPointerFormats | undefined =
      chainedFixups && exports.length > 0
        ? readChainedFixupFormats(window, little, chainedFixups.offset, chainedFixups.size)
        : undefined;
    return { trie, exports, formats };
  });
  if (exports.length === 0) return [];

  // The image base is the address of the segment that maps the start of the file (__TEXT).
  const imageBase = imageBaseOf(segments);
  const fileOffset = (address: bigint, length: number): number | undefined => segmentOffset(segments, address, length);
  const layout = descriptorLayout(wide);
  // Once per analysis, not on every re-run (a stage that throws is not kept).
  const found = window.memo("macho-descriptors", () =>
    placeExports(exports, trie, segments, imageBase, layout.size, formats),
  );
  const format: DescriptorFormat = { fileType: "mach", architecture: machArchitecture(cputype), little, layout };
  const space: AddressSpace<MachODescriptor> = {
    pointer(entry, fieldAt, stored) {
      if (entry.pointerFormat === undefined) return stored;
      const at = window.base + entry.offset + fieldAt;
      return decodeChainedPointer(entry.pointerFormat, stored, imageBase, at, entry.name, fieldAt);
    },
    fileOffset,
  };
  return readDescriptors(window, format, found, space);
}

/** A descriptor export of a thin image, where it is stored, and how its pointers are encoded. */
export interface MachODescriptor extends DescriptorExport {
  /** The chained-fixup pointer format of its segment; undefined when pointers hold addresses. */
  readonly pointerFormat: number | undefined;
}

/** The address of the segment that maps the start of the file (__TEXT), or 0. */
export function imageBaseOf(segments: readonly Segment[]): bigint {
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as Segment;
    if (segment.fileoff === 0 && segment.filesize > 0) return segment.vmaddr;
  }
  return 0n;
}

/** Where `length` bytes at `address` are stored: inside one segment's file bytes and its vmsize. */
export function segmentOffset(segments: readonly Segment[], address: bigint, length: number): number | undefined {
  const size = BigInt(length);
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as Segment;
    if (address < segment.vmaddr) continue;
    const delta = address - segment.vmaddr;
    if (delta + size <= BigInt(segment.filesize) && delta + size <= segment.vmsize) {
      return segment.fileoff + Number(delta);
    }
  }
  return undefined;
}

/** The index of the segment whose memory holds `address`, or -1. */
function segmentIndexOf(segments: readonly Segment[], address: bigint): number {
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as Segment;
    if (address >= segment.vmaddr && address - segment.vmaddr < segment.vmsize) return index;
  }
  return -1;
}

/**
 * The trie's exports that are memflow descriptors, with where each is stored and its segment's
 * pointer format. Plain loops, no flatMap: this runs once per file, before the JIT has compiled it.
 */
export function placeExports(
  exports: readonly TrieExport[],
  trie: Fields,
  segments: readonly Segment[],
  imageBase: bigint,
  descriptorSize: number,
  formats: SegmentPointerFormats | undefined,
): MachODescriptor[] {
  const found: MachODescriptor[] = [];
  for (let index = 0; index < exports.length; index += 1) {
    const entry = exports[index] as TrieExport;
    // Mach-O prefixes C symbols with `_`; memflow reports (and dlsym wants) the name without it.
    const stripped = entry.name[0] === 0x5f ? entry.name.subarray(1) : entry.name;
    const kind = pluginKindOfBytes(stripped);
    if (kind === undefined) continue;
    const name = decodeExportName(stripped, trie.fileOffset);
    const address = imageBase + entry.imageOffset;
    const offset = segmentOffset(segments, address, descriptorSize);
    if (offset === undefined) {
      throw fail("not-found", trie.fileOffset, `${name} at 0x${address.toString(16)} is not stored in the file`);
    }
    const pointerFormat = formats?.get(segmentIndexOf(segments, address));
    found.push({ name, kind, offset, pointerFormat });
  }
  return found;
}

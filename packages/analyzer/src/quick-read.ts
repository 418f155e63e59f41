/**
 * What the quick scans (`quick-scan.ts`) share: the bytes a scan has read, in one arena read
 * through plain functions, the signal to give a file to the full parser, and the reading of a
 * descriptor once a format has found it (docs/decisions/0026-quick-scans.md).
 *
 * One file at a time, in module variables rather than an object: a scan is a fresh process
 * whose code runs mostly in the interpreter, where a plain function over a module's typed array
 * costs less than a method of an object per file.
 */
import { chunkOf, Fields } from "./bytes.ts";
import { type DescriptorLayout, descriptorText, stringRule } from "./descriptor.ts";
import type { PluginArchitecture, PluginDescriptorInfo, PluginFileType, PluginKind } from "./descriptor-info.ts";
import { MIN_READ } from "./fetched-ranges.ts";
import type { SyncRandomAccessReader } from "./read-on-demand.ts";

/** Thrown inside a quick scan to give the file to the full parser. Never escapes `quick-scan.ts`. */
export const GIVE_UP = new Error("not a common plugin file: the full parser reads it");

/**
 * Where a scan's reads land. A plugin's scan reads a few tens of KiB; one that needs more is
 * not common, and goes to the full parser.
 */
const ARENA_BYTES = 256 * 1024;
/** The bytes read, by arena index: `at` tells where a file range is. */
export const arena = new Uint8Array(ARENA_BYTES);
/** The arena as a chunk, for the shared readers that take `Fields`. */
const arenaChunk = chunkOf(arena, 0);
/** A common plugin needs about five reads; this many is something else. */
const MAX_READS = 32;

let reader: SyncRandomAccessReader | undefined;
/** The size of the file being scanned. */
export let fileSize = 0;
let arenaUsed = 0;
let readCount = 0;
/** Each read: its file offset, its file end, and where it sits in the arena. */
const readStarts: number[] = [];
const readEnds: number[] = [];
const readPlaces: number[] = [];

/**
 * Starts reading a file from its first bytes (`readFirst`); false when they do not fit the
 * arena, or while another file is being read (a reader whose `read` analyses a file itself),
 * which the full parser then reads. `finishRead` must follow a start.
 */
export function startRead(source: SyncRandomAccessReader, first: Uint8Array): boolean {
  const length = first.length;
  if (length > ARENA_BYTES || reader !== undefined) return false;
  reader = source;
  fileSize = source.size;
  arena.set(first, 0);
  arenaUsed = length;
  readCount = 1;
  readStarts[0] = 0;
  readEnds[0] = length;
  readPlaces[0] = 0;
  return true;
}

/** Lets go of the reader: the arena serves the next file. */
export function finishRead(): void {
  reader = undefined;
}

/**
 * The arena index of `length` bytes at file offset `offset`, reading them (at least MIN_READ,
 * as the drivers read) when they are not at hand; gives up on a range outside the file.
 */
export function at(offset: number, length: number): number {
  for (let index = readCount - 1; index >= 0; index -= 1) {
    const start = readStarts[index] as number;
    if (offset >= start && offset + length <= (readEnds[index] as number)) {
      return (readPlaces[index] as number) + offset - start;
    }
  }
  if (!(offset >= 0 && length > 0 && offset + length <= fileSize)) throw GIVE_UP;
  const wanted = Math.min(Math.max(length, MIN_READ), fileSize - offset);
  if (arenaUsed + wanted > ARENA_BYTES || readCount === MAX_READS || reader === undefined) throw GIVE_UP;
  const bytes: unknown = reader.read(offset, wanted);
  if (!(bytes instanceof Uint8Array) || bytes.length < wanted) throw GIVE_UP;
  const place = arenaUsed;
  arena.set(bytes.length === wanted ? bytes : bytes.subarray(0, wanted), place);
  arenaUsed += wanted;
  readStarts[readCount] = offset;
  readEnds[readCount] = offset + wanted;
  readPlaces[readCount] = place;
  readCount += 1;
  return place;
}

/** `length` bytes at file offset `offset` as `Fields` (little-endian), for the shared readers. */
export function fieldsAt(offset: number, length: number): Fields {
  return new Fields(arenaChunk, at(offset, length), length, true, offset);
}

// Little-endian reads at an arena index, which `at` has checked.

export function u16(index: number): number {
  return (arena[index] as number) | ((arena[index + 1] as number) << 8);
}

export function u32(index: number): number {
  return (
    ((arena[index] as number) |
      ((arena[index + 1] as number) << 8) |
      ((arena[index + 2] as number) << 16) |
      ((arena[index + 3] as number) << 24)) >>>
    0
  );
}

/** A 64-bit offset, size or address as a number; beyond 2^53 the full parsers refuse it. */
export function u53(index: number): number {
  const high = u32(index + 4);
  if (high > 0x1fffff) throw GIVE_UP;
  return high * 0x1_0000_0000 + u32(index);
}

/** The NUL-terminated name at arena index `index`, ending before arena index `limit`. */
export function nameAt(index: number, limit: number): Uint8Array {
  const end = arena.indexOf(0, index);
  if (end < 0 || end >= limit) throw GIVE_UP;
  return arena.subarray(index, end);
}

/** How a format turns a descriptor's pointer fields into file offsets (descriptor.ts's AddressSpace). */
export interface QuickSpace {
  /** The address the pointer at `pointerAt` of export `exportIndex`'s descriptor holds once loaded. */
  pointer(exportIndex: number, pointerAt: number, stored: bigint): bigint;
  /** Where `length` bytes at `address` are stored, or undefined. */
  fileOffset(address: bigint, length: number): number | undefined;
}

/** What all the descriptors of a file share. */
export interface QuickFormat {
  readonly fileType: PluginFileType;
  readonly architecture: PluginArchitecture;
  readonly layout: DescriptorLayout;
}

/** The descriptor exports a format found: name, kind and file offset, by index. */
export const exportNames: string[] = [];
export const exportKinds: PluginKind[] = [];
export const exportPlaces: number[] = [];

/** A descriptor's strings, located before they are read: file offset (-1: empty) and size. */
const stringStarts: number[] = [];
const stringSizes: number[] = [];
/** Descriptors, or a descriptor's strings, within this span are read together. */
const NEARBY = 64 * 1024;

/**
 * The first `count` descriptor exports read as `readDescriptors` (descriptor.ts) reads them,
 * giving up wherever it would throw.
 */
export function readQuickDescriptors(count: number, format: QuickFormat, space: QuickSpace): PluginDescriptorInfo[] {
  const layout = format.layout;
  const wide = layout.wide;
  const infos: PluginDescriptorInfo[] = [];
  // A file's descriptors usually lie together: one read for all, as the full parser asks for them.
  if (count > 1) {
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (let index = 0; index < count; index += 1) {
      first = Math.min(first, exportPlaces[index] as number);
      last = Math.max(last, (exportPlaces[index] as number) + layout.size);
    }
    if (last - first <= NEARBY) at(first, last - first);
  }
  for (let index = 0; index < count; index += 1) {
    const raw = fieldsAt(exportPlaces[index] as number, layout.size);
    // Where each string is, then one read for all three: they lie side by side.
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    for (let field = 0; field < layout.strings.length; field += 1) {
      stringStarts[field] = -1;
      const { pointerAt, lengthAt } = layout.strings[field] as DescriptorLayout["strings"][number];
      const length = raw.word(lengthAt, wide);
      if (length === 0n) continue;
      const address = space.pointer(index, pointerAt, raw.word(pointerAt, wide));
      const rule = stringRule(address, length, fileSize);
      if (rule === "empty") continue;
      if (rule !== "read") throw GIVE_UP;
      const size = Number(length);
      const stringAt = space.fileOffset(address, size);
      if (stringAt === undefined) throw GIVE_UP;
      stringStarts[field] = stringAt;
      stringSizes[field] = size;
      low = Math.min(low, stringAt);
      high = Math.max(high, stringAt + size);
    }
    if (high > low && high - low <= NEARBY) at(low, high - low);
    const texts = ["", "", ""];
    for (let field = 0; field < layout.strings.length; field += 1) {
      const stringAt = stringStarts[field] as number;
      if (stringAt < 0) continue;
      const size = stringSizes[field] as number;
      const start = at(stringAt, size);
      texts[field] = descriptorText.decode(arena.subarray(start, start + size));
    }
    infos.push({
      plugin_kind: exportKinds[index] as PluginKind,
      export_name: exportNames[index] as string,
      file_type: format.fileType,
      architecture: format.architecture,
      plugin_version: raw.i32(layout.pluginVersionAt),
      name: texts[0] as string,
      version: texts[1] as string,
      description: texts[2] as string,
    });
  }
  return infos;
}

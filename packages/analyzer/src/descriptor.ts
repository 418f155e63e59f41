/**
 * memflow's `PluginDescriptor` as it sits in a plugin file, and the reading of its strings with
 * memflow's `read_string` rules. The formats differ only in how a pointer field becomes a file
 * offset, which each passes in as an AddressSpace.
 */
import type { Fields } from "./bytes.ts";
import type { PluginArchitecture, PluginDescriptorInfo, PluginFileType, PluginKind } from "./descriptor-info.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

interface StringField {
  readonly name: "name" | "version" | "description";
  /** Offset of the pointer within the descriptor. */
  readonly pointerAt: number;
  /** Offset of the length within the descriptor. */
  readonly lengthAt: number;
}

export interface DescriptorLayout {
  readonly size: number;
  /** Pointer and length fields are 8 bytes wide. */
  readonly wide: boolean;
  readonly pluginVersionAt: number;
  readonly strings: readonly StringField[];
}

/**
 * memflow's `PluginDescriptor` (`repr(C)`) for pointers of `word` bytes: `plugin_version: i32` and
 * `accept_input: bool`, padded to the `input_layout` and `output_layout` pointers; the `name`,
 * `version` and `description` slices, each a pointer and a length; then three function pointers.
 * Both widths come from this one definition, as both come from one struct in memflow.
 */
function pluginDescriptorLayout(word: 4 | 8): DescriptorLayout {
  const slicesAt = 8 + 2 * word;
  const names = ["name", "version", "description"] as const;
  return {
    size: slicesAt + names.length * 2 * word + 3 * word,
    wide: word === 8,
    pluginVersionAt: 0,
    strings: names.map((name, index) => {
      const pointerAt = slicesAt + index * 2 * word;
      return { name, pointerAt, lengthAt: pointerAt + word };
    }),
  };
}

/** `PluginDescriptor` on 64-bit targets: 0x60 bytes, align 8 (memflow asserts the size). */
export const DESCRIPTOR_LAYOUT_64: DescriptorLayout = pluginDescriptorLayout(8);

/** `PluginDescriptor` on 32-bit targets: 0x34 bytes, align 4. */
export const DESCRIPTOR_LAYOUT_32: DescriptorLayout = pluginDescriptorLayout(4);

/** The layout for a file whose pointers are 8 bytes (`wide`) or 4. */
export function descriptorLayout(wide: boolean): DescriptorLayout {
  return wide ? DESCRIPTOR_LAYOUT_64 : DESCRIPTOR_LAYOUT_32;
}

/**
 * How one file format turns the descriptor's pointer fields into file offsets. One object serves
 * every descriptor of a file (each call names its export): a closure per descriptor and run
 * costs a fresh scan more than the fields it reads.
 */
export interface AddressSpace<E extends DescriptorExport = DescriptorExport> {
  /**
   * The address a pointer field of `entry`'s descriptor holds once the loader has applied
   * relocations or fixups, or `0n` for a null pointer. `at` is the field's offset within the
   * descriptor and `stored` the raw value in the file.
   */
  pointer(entry: E, at: number, stored: bigint): bigint;
  /** Where `length` bytes at `address` are stored in the window, or undefined when they are not. */
  fileOffset(address: bigint, length: number): number | undefined;
}

export interface DescriptorStrings {
  plugin_version: number;
  name: string;
  version: string;
  description: string;
}

/** How a descriptor's strings are decoded: strictly, a leading BOM kept as text. */
export const descriptorText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A descriptor export a format's parser found: its name and kind, and where the descriptor is stored. */
export interface DescriptorExport {
  readonly name: string;
  readonly kind: PluginKind;
  readonly offset: number;
}

/** What all the descriptors of one file (or one slice of a universal Mach-O) share. */
export interface DescriptorFormat {
  readonly fileType: PluginFileType;
  readonly architecture: PluginArchitecture;
  readonly little: boolean;
  readonly layout: DescriptorLayout;
}

/**
 * The last step of every format: reads the descriptors its parser found and reports each as
 * memflow does. All of them are asked for in one round before the first is read; `space` is
 * asked for pointers after that, so it may read what it needs (ELF's relocations) in the next
 * round.
 */
export function readDescriptors<E extends DescriptorExport>(
  window: FileWindow,
  format: DescriptorFormat,
  found: readonly E[],
  space: AddressSpace<E>,
): PluginDescriptorInfo[] {
  // Plain loops and literals (no map, no spread, no closure): the last runs of every analysis end here.
  const ranges: [number, number][] = [];
  for (let index = 0; index < found.length; index += 1) ranges.push([(found[index] as E).offset, format.layout.size]);
  window.prefetch(ranges);
  const infos: PluginDescriptorInfo[] = [];
  for (let index = 0; index < found.length; index += 1) {
    const entry = found[index] as E;
    const read = readDescriptor(window, format.little, entry, format.layout, space);
    infos.push({
      plugin_kind: entry.kind,
      export_name: entry.name,
      file_type: format.fileType,
      architecture: format.architecture,
      plugin_version: read.plugin_version,
      name: read.name,
      version: read.version,
      description: read.description,
    });
  }
  return infos;
}

/**
 * Adds to `ranges` where a descriptor's strings are if its pointer fields already hold their
 * final values (as when the linker wrote them in place: GNU ld, REL and RELR files), so they can
 * be fetched while the relocations are still being looked up. Adds nothing until the
 * descriptor's bytes are at hand. Only a guess for fetching, never read from: a wrong guess
 * costs a wasted read. Appends rather than returns: no array per descriptor and run.
 */
export function storedStringRanges(
  window: FileWindow,
  little: boolean,
  offset: number,
  layout: DescriptorLayout,
  fileOffset: AddressSpace["fileOffset"],
  ranges: [offset: number, length: number][],
): void {
  if (!window.has(offset, layout.size)) return;
  const raw = window.read(offset, layout.size, little, "out-of-bounds", "a descriptor");
  const fields = layout.strings;
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index] as StringField;
    const length = raw.word(field.lengthAt, layout.wide);
    const address = raw.word(field.pointerAt, layout.wide);
    if (length === 0n || address === 0n || length > BigInt(window.size)) continue;
    const at = fileOffset(address, Number(length));
    if (at !== undefined) ranges.push([at, Number(length)]);
  }
}

/** Reads `entry`'s descriptor, and the three strings it points at. */
function readDescriptor<E extends DescriptorExport>(
  window: FileWindow,
  little: boolean,
  entry: E,
  layout: DescriptorLayout,
  space: AddressSpace<E>,
): DescriptorStrings {
  const raw = readNamed(window, entry.offset, layout.size, little, "the descriptor", entry.name, undefined);
  const fields = layout.strings;
  const located: LocatedString[] = [];
  const ranges: [number, number][] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const string = locateString(window, raw, layout, fields[index] as StringField, space, entry);
    located.push(string);
    if (!string.empty) ranges.push([string.at, string.size]);
  }
  window.prefetch(ranges);
  const strings: Record<StringField["name"], string> = { name: "", version: "", description: "" };
  for (let index = 0; index < located.length; index += 1) {
    const string = located[index] as LocatedString;
    if (!string.empty) strings[string.field] = decodeString(window, raw.little, string, entry.name);
  }
  return {
    plugin_version: raw.i32(layout.pluginVersionAt),
    name: strings.name,
    version: strings.version,
    description: strings.description,
  };
}

/**
 * memflow's `read_string` rules for a string field of non-zero `length` whose pointer, once
 * relocated, holds `address`: a null pointer is an empty string for a length of 1 (`empty`)
 * and `null` for a longer one; a length past the file's `size` is `too-long`; else `read` it.
 * The full parser and the quick scans (`quick-read.ts`) both decide here.
 */
export function stringRule(address: bigint, length: bigint, size: number): "empty" | "null" | "too-long" | "read" {
  if (address === 0n) return length <= 1n ? "empty" : "null";
  return length > BigInt(size) ? "too-long" : "read";
}

type LocatedString =
  | { empty: true; field: StringField["name"] }
  | { empty: false; field: StringField["name"]; at: number; size: number };

/**
 * Where a string field's bytes are, applying memflow's `read_string` rules for null pointers.
 * Error texts are built only where one is thrown, not for every field of every run.
 */
function locateString<E extends DescriptorExport>(
  window: FileWindow,
  raw: Fields,
  layout: DescriptorLayout,
  field: StringField,
  space: AddressSpace<E>,
  entry: E,
): LocatedString {
  const fieldOffset = raw.fileOffset + field.pointerAt;
  const length = raw.word(field.lengthAt, layout.wide);
  // No bytes to read, so the pointer does not matter: Rust stores a dangling one (0x1) for an
  // empty slice, which no format maps into the file. Checked before the pointer is relocated.
  if (length === 0n) return { empty: true, field: field.name };
  const address = space.pointer(entry, field.pointerAt, raw.word(field.pointerAt, layout.wide));
  const rule = stringRule(address, length, window.size);
  if (rule === "empty") return { empty: true, field: field.name };
  if (rule === "null") {
    throw fail("not-found", fieldOffset, `${entry.name}.${field.name} is a null pointer with length ${length}`);
  }
  if (rule === "too-long") {
    throw fail(
      "out-of-bounds",
      raw.fileOffset + field.lengthAt,
      `${entry.name}.${field.name} claims ${length} bytes, more than the file holds`,
    );
  }
  const size = Number(length);
  const at = space.fileOffset(address, size);
  if (at === undefined) {
    throw fail(
      "out-of-bounds",
      fieldOffset,
      `${entry.name}.${field.name} points at 0x${address.toString(16)}, which is not stored in the file`,
    );
  }
  return { empty: false, field: field.name, at, size };
}

function decodeString(
  window: FileWindow,
  little: boolean,
  string: LocatedString & { empty: false },
  exportName: string,
): string {
  const bytes = readNamed(window, string.at, string.size, little, "the string", exportName, string.field);
  try {
    return descriptorText.decode(bytes.bytes);
  } catch {
    // The decoder's own TypeError says no more than this; keep `cause` for wrapped bugs only.
    throw fail("encoding", bytes.fileOffset, `${exportName}.${string.field} is not valid UTF-8`);
  }
}

/**
 * `window.read` of a range a descriptor names. The message for a range outside the window names
 * the export (and field), so it is built only when the range is outside: a template per string
 * and run costs the interpreter more than the read.
 */
function readNamed(
  window: FileWindow,
  offset: number,
  length: number,
  little: boolean,
  what: string,
  exportName: string,
  field: string | undefined,
): Fields {
  if (window.contains(offset, length)) return window.read(offset, length, little, "out-of-bounds", what);
  const named = field === undefined ? `${what} ${exportName}` : `${what} ${exportName}.${field}`;
  return window.read(offset, length, little, "out-of-bounds", named);
}

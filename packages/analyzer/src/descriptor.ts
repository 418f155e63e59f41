/**
 * memflow's `PluginDescriptor` as it sits in a plugin file, and the reading of its strings with
 * memflow's `read_string` rules. The formats differ only in how a pointer field becomes a file
 * offset, which each passes in as an AddressSpace.
 */
import type { Fields } from "./bytes.ts";
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

/** `PluginDescriptor` on 64-bit targets: 0x60 bytes, align 8 (memflow asserts the size). */
export const DESCRIPTOR_LAYOUT_64: DescriptorLayout = {
  size: 0x60,
  wide: true,
  pluginVersionAt: 0x00,
  strings: [
    { name: "name", pointerAt: 0x18, lengthAt: 0x20 },
    { name: "version", pointerAt: 0x28, lengthAt: 0x30 },
    { name: "description", pointerAt: 0x38, lengthAt: 0x40 },
  ],
};

/** `PluginDescriptor` on 32-bit targets: 0x34 bytes, align 4. */
export const DESCRIPTOR_LAYOUT_32: DescriptorLayout = {
  size: 0x34,
  wide: false,
  pluginVersionAt: 0x00,
  strings: [
    { name: "name", pointerAt: 0x10, lengthAt: 0x14 },
    { name: "version", pointerAt: 0x18, lengthAt: 0x1c },
    { name: "description", pointerAt: 0x20, lengthAt: 0x24 },
  ],
};

/** How one file format turns the descriptor's pointer fields into file offsets. */
export interface AddressSpace {
  /**
   * The address a pointer field holds once the loader has applied relocations or fixups, or
   * `0n` for a null pointer. `at` is the field's offset within the descriptor and `stored` the
   * raw value in the file.
   */
  pointer(at: number, stored: bigint): bigint;
  /** Where `length` bytes at `address` are stored in the window, or undefined when they are not. */
  fileOffset(address: bigint, length: number): number | undefined;
}

export interface DescriptorStrings {
  plugin_version: number;
  name: string;
  version: string;
  description: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Reads the descriptor at `offset` in the window, and the three strings it points at. */
export function readDescriptor(
  window: FileWindow,
  little: boolean,
  offset: number,
  layout: DescriptorLayout,
  space: AddressSpace,
  exportName: string,
): DescriptorStrings {
  const raw = window.read(offset, layout.size, little, "out-of-bounds", `the descriptor ${exportName}`);
  const located = layout.strings.map((field) => locateString(window, raw, layout, field, space, exportName));
  window.prefetch(located.map((string) => (string.empty ? undefined : [string.at, string.size])));
  const strings: Record<StringField["name"], string> = { name: "", version: "", description: "" };
  for (const string of located) {
    if (!string.empty) strings[string.field] = decodeString(window, raw.little, string);
  }
  return { plugin_version: raw.i32(layout.pluginVersionAt), ...strings };
}

type LocatedString =
  | { empty: true; field: StringField["name"] }
  | { empty: false; field: StringField["name"]; at: number; size: number; what: string };

/** Where a string field's bytes are, applying memflow's `read_string` rules for null pointers. */
function locateString(
  window: FileWindow,
  raw: Fields,
  layout: DescriptorLayout,
  field: StringField,
  space: AddressSpace,
  exportName: string,
): LocatedString {
  const what = `${exportName}.${field.name}`;
  const fieldOffset = raw.fileOffset + field.pointerAt;
  const address = space.pointer(field.pointerAt, raw.word(field.pointerAt, layout.wide));
  const length = raw.word(field.lengthAt, layout.wide);
  if (address === 0n) {
    // memflow allows a null pointer for an empty string (length 0 or 1).
    if (length <= 1n) return { empty: true, field: field.name };
    throw fail("not-found", fieldOffset, `${what} is a null pointer with length ${length}`);
  }
  if (length > BigInt(window.size)) {
    throw fail(
      "out-of-bounds",
      raw.fileOffset + field.lengthAt,
      `${what} claims ${length} bytes, more than the file holds`,
    );
  }
  const size = Number(length);
  const at = space.fileOffset(address, size);
  if (at === undefined) {
    throw fail(
      "out-of-bounds",
      fieldOffset,
      `${what} points at 0x${address.toString(16)}, which is not stored in the file`,
    );
  }
  return { empty: false, field: field.name, at, size, what };
}

function decodeString(window: FileWindow, little: boolean, string: LocatedString & { empty: false }): string {
  const bytes = window.read(string.at, string.size, little, "out-of-bounds", `the string ${string.what}`);
  try {
    return utf8.decode(bytes.bytes);
  } catch {
    // The decoder's own TypeError says no more than this; keep `cause` for wrapped bugs only.
    throw fail("encoding", bytes.fileOffset, `${string.what} is not valid UTF-8`);
  }
}

/**
 * The byte order of a plugin file, read from the few header bytes that decide it. memflow's
 * `PluginDescriptorInfo` has no field for it, and is written byte for byte into `.meta` files
 * and registry JSON, so callers ask for it beside the descriptors (big-endian files are read,
 * and an aarch64_be one is labelled `arm64` like a little-endian one).
 */
import { readElfIdent } from "./elf-headers.ts";
import type { FileWindow } from "./file-window.ts";
import { machOImagesLittleEndian } from "./macho.ts";
import { fileFormat } from "./parse.ts";

export type ByteOrder = "little" | "big";

/** A file's byte order; `mixed` for a universal Mach-O file whose slices differ. */
export type FileByteOrder = ByteOrder | "mixed";

export function readByteOrder(window: FileWindow): FileByteOrder {
  switch (fileFormat(window)) {
    case "elf":
      return readElfIdent(window).little ? "little" : "big";
    case "pe":
      // PE headers are little-endian, and the analyzer reads a PE file's descriptors as such.
      return "little";
    case "macho":
      return common(machOImagesLittleEndian(window));
  }
}

function common(images: readonly boolean[]): FileByteOrder {
  // Counted in a plain loop, not two `every` callbacks: a scan may ask this for every file.
  let little = 0;
  for (let index = 0; index < images.length; index += 1) if (images[index]) little += 1;
  if (little === images.length) return "little";
  if (little === 0) return "big";
  return "mixed";
}

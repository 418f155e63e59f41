/**
 * Peek at the magic, then hand the file to the parser of its format.
 */
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import { parseElf } from "./elf.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";
import { parseMachO } from "./macho.ts";
import { parsePe } from "./pe.ts";

export type FileFormat = "elf" | "pe" | "macho";

/** The format the file's magic names; `bad-magic` for anything else. */
export function fileFormat(window: FileWindow): FileFormat {
  if (window.size < 4) throw fail("bad-magic", 0, `a file of ${window.size} bytes is not a plugin binary`);
  const head = window.read(0, 4, false, "truncated", "the magic number");
  const magic = head.u32(0);
  if (magic === 0x7f454c46) return "elf";
  if (magic >>> 16 === 0x4d5a) return "pe";
  switch (magic) {
    case 0xfeedface:
    case 0xfeedfacf:
    case 0xcefaedfe:
    case 0xcffaedfe:
    case 0xcafebabe:
    case 0xcafebabf:
      return "macho";
    default:
      throw fail(
        "bad-magic",
        0,
        `unknown file magic 0x${magic.toString(16).padStart(8, "0")}: not an ELF, PE or Mach-O file`,
      );
  }
}

export function parseAny(window: FileWindow): PluginDescriptorInfo[] {
  switch (fileFormat(window)) {
    case "elf":
      return parseElf(window);
    case "pe":
      return parsePe(window);
    case "macho":
      return parseMachO(window);
  }
}

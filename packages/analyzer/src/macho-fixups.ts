/**
 * Pointers in a Mach-O file that uses chained fixups (LC_DYLD_CHAINED_FIXUPS) are not addresses
 * but fixup entries: a rebase target plus chain and format bits. This decodes an entry into the
 * address the loader would store (for an image loaded at its preferred address). Files with
 * classic rebase info store the address itself.
 */
import type { Fields } from "./bytes.ts";
import { fail } from "./errors.ts";
import type { FileWindow } from "./file-window.ts";

export const DYLD_CHAINED_PTR = {
  ARM64E: 1,
  PTR_64: 2,
  PTR_32: 3,
  PTR_64_OFFSET: 6,
  ARM64E_KERNEL: 7,
  ARM64E_USERLAND: 9,
  ARM64E_USERLAND24: 12,
} as const;

/** The pointer format of each segment (by load-command order) that has fixups. */
export type SegmentPointerFormats = Map<number, number>;

export function readChainedFixupFormats(
  window: FileWindow,
  little: boolean,
  dataOffset: number,
  dataSize: number,
): SegmentPointerFormats {
  return chainedFixupFormats(window.read(dataOffset, dataSize, little, "out-of-bounds", "the chained fixups data"));
}

/** The pointer formats named by the chained fixups data `data` (its header and starts table). */
export function chainedFixupFormats(data: Fields): SegmentPointerFormats {
  const startsOffset = data.u32(4);
  const segmentCount = data.u32(startsOffset);
  if (segmentCount > (data.length - startsOffset) / 4) {
    throw fail("malformed", data.fileOffset + startsOffset, `chained fixups name ${segmentCount} segments`);
  }
  const formats: SegmentPointerFormats = new Map();
  for (let segment = 0; segment < segmentCount; segment += 1) {
    const infoOffset = data.u32(startsOffset + 4 + segment * 4);
    if (infoOffset === 0) continue;
    // dyld_chained_starts_in_segment: size u32, page_size u16, pointer_format u16, ...
    formats.set(segment, data.u16(startsOffset + infoOffset + 6));
  }
  return formats;
}

/**
 * The address a chained-fixup entry rebases to, given the image base (the __TEXT address).
 * `at` is the entry's file offset, and `exportName` and `fieldAt` name the field, for errors
 * (whose texts are built only when thrown). A stored 0 is a null pointer, not a fixup.
 */
export function decodeChainedPointer(
  format: number,
  stored: bigint,
  imageBase: bigint,
  at: number,
  exportName: string,
  fieldAt: number,
): bigint {
  if (stored === 0n) return 0n;
  switch (format) {
    case DYLD_CHAINED_PTR.PTR_64:
    case DYLD_CHAINED_PTR.PTR_64_OFFSET: {
      if (bitsOf(stored, 63n, 1n) === 1n) throw bound(at, exportName, fieldAt);
      const target = bitsOf(stored, 0n, 36n) | (bitsOf(stored, 36n, 8n) << 56n);
      return format === DYLD_CHAINED_PTR.PTR_64 ? target : imageBase + target;
    }
    case DYLD_CHAINED_PTR.ARM64E:
    case DYLD_CHAINED_PTR.ARM64E_KERNEL:
    case DYLD_CHAINED_PTR.ARM64E_USERLAND:
    case DYLD_CHAINED_PTR.ARM64E_USERLAND24: {
      const authenticated = bitsOf(stored, 63n, 1n) === 1n;
      if (bitsOf(stored, 62n, 1n) === 1n) throw bound(at, exportName, fieldAt);
      // Authenticated rebases always hold an offset from the image base.
      if (authenticated) return imageBase + bitsOf(stored, 0n, 32n);
      const target = bitsOf(stored, 0n, 43n) | (bitsOf(stored, 43n, 8n) << 56n);
      return format === DYLD_CHAINED_PTR.ARM64E ? target : imageBase + target;
    }
    case DYLD_CHAINED_PTR.PTR_32: {
      if (bitsOf(stored, 31n, 1n) === 1n) throw bound(at, exportName, fieldAt);
      return bitsOf(stored, 0n, 26n);
    }
    default:
      throw fail(
        "unsupported",
        at,
        `${exportName}+0x${fieldAt.toString(16)} uses chained pointer format ${format}, which the analyzer does not decode`,
      );
  }
}

/** `count` bits of `value` from bit `from` up. */
function bitsOf(value: bigint, from: bigint, count: bigint): bigint {
  return (value >> from) & ((1n << count) - 1n);
}

/** The error for a fixup that binds to a symbol instead of rebasing. */
function bound(at: number, exportName: string, fieldAt: number) {
  return fail("unsupported", at, `${exportName}+0x${fieldAt.toString(16)} is bound to a symbol in another image`);
}

/** Reads the load command fields of LC_DYLD_CHAINED_FIXUPS / LC_DYLD_EXPORTS_TRIE (linkedit_data_command). */
export function linkeditData(command: Fields): { offset: number; size: number } {
  return { offset: command.u32(8), size: command.u32(12) };
}

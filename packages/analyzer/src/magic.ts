/**
 * The magic-number check memflow runs before it parses a file (`is_binary` in memflow's
 * plugin_analyzer.rs): PE (`MZ`), Mach-O (32/64-bit, either byte order) and ELF. It reads the
 * first four bytes, so shorter input is never a binary.
 *
 * Unlike memflow it also accepts universal ("fat") Mach-O files, which memflow's own parser
 * reads but its magic check turns away.
 */

const MACHO_MAGICS: readonly number[] = [
  0xfeedface, // MH_MAGIC, 32-bit
  0xfeedfacf, // MH_MAGIC_64
  0xcefaedfe, // MH_CIGAM, 32-bit, other byte order
  0xcffaedfe, // MH_CIGAM_64
  0xcafebabe, // FAT_MAGIC (stored big-endian)
  0xcafebabf, // FAT_MAGIC_64
];

/** Tells whether `bytes` starts with the magic of a file memflow would try to parse as a plugin. */
export function isBinary(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) return true;
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return true;
  const bigEndian =
    (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  return MACHO_MAGICS.includes(bigEndian);
}

/**
 * The magic-number check memflow runs before it parses a file (`is_binary` in memflow's
 * plugin_analyzer.rs): PE (`MZ`), the four Mach-O magics and ELF.
 */

const MACHO_MAGICS = [
  0xfeedface, // MH_MAGIC, 32-bit
  0xfeedfacf, // MH_MAGIC_64
  0xcafebabe, // FAT_MAGIC
  0xcafebabf, // FAT_MAGIC_64
] as const;

/** Tells whether `bytes` starts with a magic memflow accepts as a plugin binary. */
export function isBinary(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a) return true;
  if (bytes.length < 4) return false;
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const big = view.getUint32(0, false);
  const little = view.getUint32(0, true);
  return MACHO_MAGICS.some((magic) => magic === big || magic === little);
}

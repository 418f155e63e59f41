/**
 * Where a loader puts a file's bytes: ranges of addresses, each backed by a run of bytes in the
 * file (ELF's PT_LOAD segments, PE's sections by RVA). Both formats look an address up the same
 * way, so they share this map. Mach-O keeps its own: its addresses stay 64-bit bigints, and a
 * segment's bytes must also lie inside its vmsize.
 */

export interface MappedRange {
  /** The first address of the range (ELF p_vaddr, PE VirtualAddress). */
  readonly address: number;
  /** Where its bytes start in the file. */
  readonly fileOffset: number;
  /** How many of its bytes the file holds (p_filesz, SizeOfRawData). */
  readonly fileSize: number;
}

export class AddressMap {
  private readonly ranges: readonly MappedRange[];

  constructor(ranges: readonly MappedRange[]) {
    this.ranges = ranges;
  }

  /** The file offset of `[address, address + length)`, when one range holds all of it in the file. */
  fileOffset(address: number, length: number): number | undefined {
    // An indexed loop: ELF looks up every table, symbol and string through here, mostly before
    // the JIT has compiled it, where for-of's iterator costs several calls a range.
    const ranges = this.ranges;
    for (let index = 0; index < ranges.length; index += 1) {
      const range = ranges[index] as MappedRange;
      const delta = address - range.address;
      if (delta >= 0 && delta + length <= range.fileSize) return range.fileOffset + delta;
    }
    return undefined;
  }
}

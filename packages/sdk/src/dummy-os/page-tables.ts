/**
 * x86-64 4-level page tables as the dummy OS writes them (native/dummy-os.md "Page tables"):
 * PML4 → PDPT → PD → PT, every table entry P|RW|US, leaves with the flags asked for and PS for
 * 2 MiB and 1 GiB pages. The tables are built here and written to physical memory whole, once the
 * layout is complete, so building costs no reads of the connector; what lands in memory is what
 * the native plugin's entry-by-entry writes leave there (its tables are zeroed when allocated).
 */
import type { WriteRequest } from "@memflow-ts/core";
import { GIB1, KIB4, MIB2 } from "./content.ts";

export const PTE = {
  PRESENT: 0x1n,
  WRITABLE: 0x2n,
  USER: 0x4n,
  /** PS: a 1 GiB leaf in a PDPT, a 2 MiB leaf in a PD. */
  LARGE: 0x80n,
  NO_EXECUTE: 1n << 63n,
  /** Bits 12–51: the next table or the frame. */
  ADDRESS: 0x000f_ffff_ffff_f000n,
} as const;

/** Bits 47:12 of a virtual address index the four levels, 9 bits each (4 = PML4 … 1 = PT). */
function levelIndex(address: bigint, level: number): number {
  return Number((address >> BigInt(12 + 9 * (level - 1))) & 0x1ffn);
}

export class PageTables {
  /** Each table by its frame's physical address. */
  readonly #tables = new Map<bigint, BigUint64Array>();
  /** Takes a 4 KiB frame for a new table (the layout's pool, with its draws). */
  readonly #allocate: () => bigint;

  constructor(allocate: () => bigint) {
    this.#allocate = allocate;
  }

  /** A new, empty table; returns its physical address (a PML4 is one too). */
  table(): bigint {
    const frame = this.#allocate();
    this.#tables.set(frame, new BigUint64Array(512));
    return frame;
  }

  #entries(frame: bigint): BigUint64Array {
    const table = this.#tables.get(frame);
    // Only tables made here are ever walked while building.
    if (table === undefined) throw new RangeError(`no page table at ${frame.toString(16)}`);
    return table;
  }

  /** Maps the page of `size` (4 KiB, 2 MiB or 1 GiB) at `address` to `frame`, making the tables on the way. */
  map(dtb: bigint, address: bigint, frame: bigint, size: number, flags: bigint): void {
    const leafLevel = size === GIB1 ? 3 : size === MIB2 ? 2 : 1;
    let table = this.#entries(dtb);
    for (let level = 4; level > leafLevel; level -= 1) {
      const index = levelIndex(address, level);
      let entry = table[index] as bigint;
      if ((entry & PTE.PRESENT) === 0n) {
        entry = this.table() | PTE.PRESENT | PTE.WRITABLE | PTE.USER;
        table[index] = entry;
      }
      table = this.#entries(entry & PTE.ADDRESS);
    }
    table[levelIndex(address, leafLevel)] = frame | flags | PTE.PRESENT | (leafLevel > 1 ? PTE.LARGE : 0n);
  }

  /** Every table as one write of its whole frame (little-endian entries). */
  writes(): WriteRequest[] {
    return [...this.#tables].map(([frame, entries]) => {
      const bytes = new DataView(new ArrayBuffer(KIB4));
      for (const [index, entry] of entries.entries()) bytes.setBigUint64(index * 8, entry, true);
      return { address: frame, data: new Uint8Array(bytes.buffer) };
    });
  }
}

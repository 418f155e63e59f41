/**
 * The page-table formats a walk understands, one table each: how a virtual address is cut into
 * table indices, how wide an entry is, which levels may map a page directly (large pages, AArch64
 * blocks), and how an entry says "not present", "next table" or "page". Values are the
 * architectures' own (Intel SDM vol. 3 ch. 4, Arm ARM D8); where memflow's MMU tables differ the
 * decision record 0013 says how and why.
 *
 * Entries are handled as two 32-bit halves (`low`, `high`): physical addresses stay exact doubles
 * (at most 52 bits), and the hot loop allocates no BigInt.
 */
import { MemflowError } from "../../error.ts";
import { type ArchitectureIdent, formatArchitecture } from "../architecture.ts";
import { PAGE_TYPE } from "../page.ts";

/** One level of tables, from the root down. */
export interface PageTableLevel {
  /** The lowest virtual-address bit of this level's index. */
  readonly shift: number;
  /** How many bits the index has (the table holds 2^bits entries). */
  readonly bits: number;
  /** Whether an entry here may map a page itself (always true for the last level). */
  readonly mapsPages: boolean;
}

/**
 * What an entry says, packed in one small integer (one call per entry on the hot path): its kind
 * in the low two bits (`& ENTRY.KIND`), and whether it allows writes and forbids execution below it.
 */
export const ENTRY = { INVALID: 0, TABLE: 1, PAGE: 2, KIND: 3, WRITEABLE: 4, NO_EXECUTE: 8 } as const;

export interface PageTableFormat {
  /** memflow's display of the architecture (`x86_64`, `x86_32 PAE`, `AArch64`). */
  readonly name: string;
  readonly levels: readonly PageTableLevel[];
  /** Bytes per entry: 4 (x86 without PAE) or 8. */
  readonly entrySize: 4 | 8;
  /** Virtual-address width translated; above it, 64-bit formats require a sign extension (canonical form). */
  readonly virtualBits: number;
  /** Whether addresses with the top bit of `virtualBits` set are the (sign-extended) upper half. */
  readonly signExtended: boolean;
  /** Physical-address width of entries and of the root. */
  readonly physicalBits: number;
  /** Bits of the root address below this are ignored (PAE's 32-byte-aligned PDPT: 5; else 12). */
  readonly rootAlignBits: number;
  /** Whether the upper half of the address space has its own root (AArch64's TTBR1). */
  readonly splitRoots: boolean;
  /** 32 or 64: pointer width in the address space (MemoryViewMetadata.archBits). */
  readonly archBits: number;
  /**
   * What the entry at `level` says (ENTRY bits): its kind; WRITEABLE when it allows writes below it
   * (every level must, for a page to be writeable); NO_EXECUTE when it forbids execution (any level may).
   */
  decode(low: number, high: number, level: number): number;
}

/**
 * x86's P (bit 0), R/W (bit 1), PS (bit 7) and XD (bit 63); 4 KiB pages at the last level. PAE's
 * PDPT entries (level 0) have neither R/W nor XD (those bits are reserved there).
 */
function x86Format(
  name: string,
  splits: readonly [number, boolean][],
  entrySize: 4 | 8,
  virtualBits: number,
  physicalBits: number,
  rootAlignBits: number,
  hasNoExecute: boolean,
  permissionsFrom = 0,
): PageTableFormat {
  let shift = 12 + splits.reduce((sum, [bits]) => sum + bits, 0);
  const levels = splits.map(([bits, mapsPages]) => {
    shift -= bits;
    return { shift, bits, mapsPages };
  });
  const last = levels.length - 1;
  const mapsPages = Uint8Array.from(levels, (level) => (level.mapsPages ? 1 : 0));
  return {
    name,
    levels,
    entrySize,
    virtualBits,
    signExtended: virtualBits < 64 && entrySize === 8 && virtualBits > 32,
    physicalBits,
    rootAlignBits,
    splitRoots: false,
    archBits: virtualBits > 32 ? 64 : 32,
    decode(low, high, level) {
      if ((low & 1) === 0) return ENTRY.INVALID;
      const page = level === last || ((low & 0x80) !== 0 && mapsPages[level] === 1);
      if (level < permissionsFrom) return (page ? ENTRY.PAGE : ENTRY.TABLE) | ENTRY.WRITEABLE;
      return (
        (page ? ENTRY.PAGE : ENTRY.TABLE) |
        ((low & 2) !== 0 ? ENTRY.WRITEABLE : 0) |
        (hasNoExecute && (high & 0x8000_0000) !== 0 ? ENTRY.NO_EXECUTE : 0)
      );
    },
  };
}

/** x86-64, 4-level: 1 GiB pages (PDPT) and 2 MiB pages (PD). */
export const X64: PageTableFormat = x86Format(
  "x86_64",
  [
    [9, false],
    [9, true],
    [9, true],
    [9, true],
  ],
  8,
  48,
  52,
  12,
  true,
);

/** x86-64 with LA57: a fifth level (PML5) above the PML4. */
export const X64_LA57: PageTableFormat = x86Format(
  "x86_64 LA57",
  [
    [9, false],
    [9, false],
    [9, true],
    [9, true],
    [9, true],
  ],
  8,
  57,
  52,
  12,
  true,
);

/** 32-bit x86 without PAE: 2 levels of 4-byte entries, 4 MiB pages in the directory (CR4.PSE, as memflow assumes). */
export const X86: PageTableFormat = x86Format(
  "x86_32",
  [
    [10, true],
    [10, true],
  ],
  4,
  32,
  32,
  12,
  false,
);

/** 32-bit x86 with PAE: a 4-entry PDPT, then 2 levels of 8-byte entries, 2 MiB pages in the directory. */
export const X86_PAE: PageTableFormat = x86Format(
  "x86_32 PAE",
  [
    [2, false],
    [9, true],
    [9, true],
  ],
  8,
  32,
  36,
  5,
  true,
  1,
);

/**
 * AArch64, 4 KiB granule, 48-bit addresses, 4 levels (0–3). Bits [1:0] of a descriptor: 0bx0
 * invalid; 0b11 a table at levels 0–2 and a page at level 3; 0b01 a block at levels 1 (1 GiB) and
 * 2 (2 MiB), invalid at levels 0 and 3. AP[2] (bit 7) makes a page read-only, APTable[1] (bit 62)
 * everything below a table; UXN (bit 54) and UXNTable (bit 60) forbid execution.
 */
export const AARCH64_4K: PageTableFormat = {
  name: "AArch64",
  levels: [
    { shift: 39, bits: 9, mapsPages: false },
    { shift: 30, bits: 9, mapsPages: true },
    { shift: 21, bits: 9, mapsPages: true },
    { shift: 12, bits: 9, mapsPages: true },
  ],
  entrySize: 8,
  virtualBits: 48,
  signExtended: true,
  physicalBits: 48,
  rootAlignBits: 12,
  splitRoots: true,
  archBits: 64,
  decode(low, high, level) {
    if ((low & 1) === 0) return ENTRY.INVALID;
    const tableBit = (low & 2) !== 0;
    if (level < 3 && tableBit) {
      return (
        ENTRY.TABLE |
        ((high & 0x4000_0000) === 0 ? ENTRY.WRITEABLE : 0) |
        ((high & 0x1000_0000) !== 0 ? ENTRY.NO_EXECUTE : 0)
      );
    }
    if (level === 0 || (level === 3 && !tableBit)) return ENTRY.INVALID;
    return ENTRY.PAGE | ((low & 0x80) === 0 ? ENTRY.WRITEABLE : 0) | ((high & 0x40_0000) !== 0 ? ENTRY.NO_EXECUTE : 0);
  },
};

/** The format of an architecture; throws (Mmu, InvalidArchitecture) for one without page tables here. */
export function pageTableFormat(architecture: ArchitectureIdent): PageTableFormat {
  if (architecture.kind === "X86") {
    if (architecture.bits === 64) return architecture.addressExtensions ? X64_LA57 : X64;
    if (architecture.bits === 32) return architecture.addressExtensions ? X86_PAE : X86;
  }
  if (architecture.kind === "AArch64" && architecture.pageSize === 4096n) return AARCH64_4K;
  throw new MemflowError(
    "Mmu",
    "InvalidArchitecture",
    `no page-table walk for ${formatArchitecture(architecture)}${architecture.kind === "AArch64" ? ` with ${architecture.pageSize}-byte pages` : ""}`,
  );
}

/** The page type of a page, from what its entries allowed on the way down. */
export function pageTypeOf(writeable: boolean, noExecute: boolean): number {
  return (writeable ? PAGE_TYPE.WRITEABLE : PAGE_TYPE.READ_ONLY) | (noExecute ? PAGE_TYPE.NOEXEC : 0);
}

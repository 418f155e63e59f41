/**
 * memflow's VirtualTranslate over page tables walked in TypeScript: single translations through
 * the batched walk, and lists and maps of an address space from a scan of its tables
 * (page-table-scan.ts), with memflow's rules for each (memflow-os.md §7): pieces a page each,
 * translation maps merged where contiguous in both spaces, page maps with memflow's gap filling,
 * physToVirt only at the start of a merged run, ranges ending at Address::INVALID by default.
 */
import { MemflowError } from "../../error.ts";
import { type Address, formatAddress } from "../../memory/address.ts";
import type { MemoryRange, Page, PhysicalAddress } from "../page.ts";
import { INVALID_ADDRESS } from "../process-info.ts";
import {
  translatedRange,
  type VirtualTranslate,
  type VirtualTranslation,
  type VirtualTranslationFailure,
} from "../virtual-translate.ts";
import type { PageTableFormat } from "./page-table-format.ts";
import { scanPages } from "./page-table-scan.ts";
import type { BatchedPhysicalMemory, PageWalker, WalkRoots } from "./page-walk.ts";
import { WALK, WalkResults } from "./walk-results.ts";

const REASON: Record<number, string> = {
  [WALK.NOT_PRESENT]: "not present",
  [WALK.OUT_OF_RANGE]: "outside the address space",
  [WALK.TABLE_UNREADABLE]: "its page table is outside physical memory",
};

function samePage(a: VirtualTranslation, b: VirtualTranslation): boolean {
  return (
    a.inVirtual + a.size === b.inVirtual &&
    a.outPhysical.address + a.size === b.outPhysical.address &&
    a.outPhysical.pageType === b.outPhysical.pageType
  );
}

export class PageTableTranslate implements VirtualTranslate {
  readonly #memory: BatchedPhysicalMemory;
  readonly #format: PageTableFormat;
  readonly #roots: WalkRoots;
  readonly #walker: PageWalker;
  readonly #results = new WalkResults();

  constructor(memory: BatchedPhysicalMemory, format: PageTableFormat, roots: WalkRoots, walker: PageWalker) {
    this.#memory = memory;
    this.#format = format;
    this.#roots = roots;
    this.#walker = walker;
  }

  /** Throws (VirtualTranslate, OutOfBounds) for an address that is not mapped, as memflow does. */
  virtToPhys(address: Address): PhysicalAddress {
    const results = this.#results;
    this.#walker.walk(this.#roots, [address], results);
    const status = results.status[0] ?? WALK.NOT_PRESENT;
    if (status !== WALK.OK)
      throw new MemflowError(
        "VirtualTranslate",
        "OutOfBounds",
        `${formatAddress(address)} does not translate: ${REASON[status]} (level ${results.level[0]})`,
      );
    return {
      address: BigInt(results.physical[0] ?? 0),
      pageType: results.pageType[0] ?? 0,
      pageSize: BigInt(results.pageSize[0] ?? 0),
    };
  }

  /** The physical page the address is in (memflow's `containing_page`). */
  virtPageInfo(address: Address): Page {
    const physical = this.virtToPhys(address);
    const size = physical.pageSize ?? 1n;
    return { pageType: physical.pageType, pageBase: physical.address - (physical.address % size), pageSize: size };
  }

  /** Each page-sized piece of [start, end) that translates, in order. */
  virtToPhysRange(start: Address, end: Address): VirtualTranslation[] {
    const [from, to] = translatedRange(start, end);
    return scanPages(this.#memory, this.#format, this.#roots, from, to).map((page) => {
      // The page clipped to the range (bigints: no Math.max).
      let inVirtual = from;
      if (page.virtual > from) inVirtual = page.virtual;
      let pieceEnd = to;
      if (page.virtual + BigInt(page.size) < to) pieceEnd = page.virtual + BigInt(page.size);
      const size = pieceEnd - inVirtual;
      return {
        inVirtual,
        size,
        outPhysical: {
          address: BigInt(page.physical) + (inVirtual - page.virtual),
          pageType: page.pageType,
          pageSize: BigInt(page.size),
        },
      };
    });
  }

  virtToPhysList(ranges: readonly { address: Address; size: Address }[]): {
    translations: VirtualTranslation[];
    failures: VirtualTranslationFailure[];
  } {
    const translations: VirtualTranslation[] = [];
    const failures: VirtualTranslationFailure[] = [];
    for (const range of ranges) {
      const from = BigInt(range.address);
      const to = from + BigInt(range.size);
      let covered = from;
      for (const translation of this.virtToPhysRange(from, to)) {
        if (translation.inVirtual > covered) failures.push({ from: covered, size: translation.inVirtual - covered });
        translations.push(translation);
        covered = translation.inVirtual + translation.size;
      }
      if (covered < to) failures.push({ from: covered, size: to - covered });
    }
    return { translations, failures };
  }

  /** Translations of [start, end), neighbours contiguous in both spaces and of one type merged; each keeps its first piece's page. */
  virtTranslationMap(start: Address = 0n, end: Address = INVALID_ADDRESS): VirtualTranslation[] {
    const merged: VirtualTranslation[] = [];
    for (const translation of this.virtToPhysRange(start, end)) {
      const last = merged.at(-1);
      if (last && samePage(last, translation))
        merged[merged.length - 1] = { ...last, size: last.size + translation.size };
      else merged.push(translation);
    }
    return merged;
  }

  /**
   * Mapped ranges of [start, end): neighbouring pages of one type joined, then gaps of at most
   * `gapSize` bytes between ranges of one type filled (none when negative), as memflow's GapRemover.
   */
  virtPageMap(gapSize: number | bigint, start: Address = 0n, end: Address = INVALID_ADDRESS): MemoryRange[] {
    const gap = BigInt(gapSize);
    const ranges: { address: bigint; size: bigint; pageType: number }[] = [];
    for (const { inVirtual, size, outPhysical } of this.virtToPhysRange(start, end)) {
      const last = ranges.at(-1);
      const between = last ? inVirtual - (last.address + last.size) : 0n;
      if (last && last.pageType === outPhysical.pageType && (between === 0n || (gap >= 0n && between <= gap)))
        last.size = inVirtual + size - last.address;
      else ranges.push({ address: inVirtual, size, pageType: outPhysical.pageType });
    }
    return ranges;
  }

  /** The virtual address whose merged translation run starts at `physical`, or undefined (memflow's rule). */
  physToVirt(physical: Address): bigint | undefined {
    const target = BigInt(physical);
    return this.virtTranslationMap().find((translation) => translation.outPhysical.address === target)?.inVirtual;
  }
}

/**
 * Virtual-to-physical translation in TypeScript, over any PhysicalMemory: `translate(memory,
 * architecture, dtb, addresses)` walks the page tables of x86-64 (4- and 5-level), 32-bit x86
 * (with and without PAE) and AArch64 (4 KiB granule) for a whole batch of addresses at once, one
 * physical read per table level, and says for each address where it is or why it is nowhere.
 */
import type { Address } from "../../memory/address.ts";
import type { PhysicalMemory } from "../../memory/physical-memory.ts";
import type { ArchitectureIdent } from "../architecture.ts";
import { type PageTableFormat, pageTableFormat } from "./page-table-format.ts";
import { type BatchedPhysicalMemory, PageWalker, rootOf, type WalkRoots } from "./page-walk.ts";
import { WALK, WalkResults } from "./walk-results.ts";

/**
 * The root of an address space: one table address (CR3, TTBR), or two where the upper half has its
 * own (AArch64's TTBR0/TTBR1, as memflow's ProcessInfo dtb1/dtb2). x86 uses only `dtb1`.
 */
export type PageTableRoot = Address | { readonly dtb1: Address; readonly dtb2: Address };

/** Why an address did not translate. */
export type TranslationFailureReason = "not-present" | "out-of-range" | "table-unreadable";

export type PageTranslation =
  | {
      readonly ok: true;
      /** The virtual address asked for. */
      readonly address: bigint;
      /** Where it is in physical memory. */
      readonly physical: bigint;
      /** The physical address of the page it is in, and the page's size (4 KiB, 2 MiB, 4 MiB, 1 GiB). */
      readonly pageBase: bigint;
      readonly pageSize: bigint;
      /** PAGE_TYPE bits: WRITEABLE or READ_ONLY, NOEXEC. */
      readonly pageType: number;
    }
  | {
      readonly ok: false;
      readonly address: bigint;
      readonly reason: TranslationFailureReason;
      /** The table level (0 = the root's) whose entry or table ended the walk. */
      readonly level: number;
    };

const REASONS: Record<number, TranslationFailureReason> = {
  [WALK.NOT_PRESENT]: "not-present",
  [WALK.OUT_OF_RANGE]: "out-of-range",
  [WALK.TABLE_UNREADABLE]: "table-unreadable",
};

/** The roots of `dtb` for `format`: the upper half uses dtb2 where the format has two roots. */
export function walkRoots(format: PageTableFormat, dtb: PageTableRoot): WalkRoots {
  if (typeof dtb === "object") {
    const lower = rootOf(format, dtb.dtb1);
    return { lower, upper: format.splitRoots ? rootOf(format, dtb.dtb2) : lower };
  }
  const root = rootOf(format, dtb);
  return { lower: root, upper: root };
}

/** Page sizes as bigints, made once: there are only a handful. */
const PAGE_SIZES = new Map<number, bigint>();

function pageSizeBigInt(size: number): bigint {
  let value = PAGE_SIZES.get(size);
  if (value === undefined) {
    value = BigInt(size);
    PAGE_SIZES.set(size, value);
  }
  return value;
}

/** One address's result as an object. */
export function translationAt(results: WalkResults, index: number, address: Address): PageTranslation {
  const virtual = typeof address === "bigint" ? address : BigInt(address);
  const status = results.status[index] ?? WALK.NOT_PRESENT;
  const level = results.level[index] ?? 0;
  if (status !== WALK.OK) return { ok: false, address: virtual, reason: REASONS[status] ?? "not-present", level };
  const physical = results.physical[index] ?? 0;
  const pageSize = results.pageSize[index] ?? 0;
  return {
    ok: true,
    address: virtual,
    physical: BigInt(physical),
    pageBase: BigInt(physical - (physical % pageSize)),
    pageSize: pageSizeBigInt(pageSize),
    pageType: results.pageType[index] ?? 0,
  };
}

/**
 * A walker and its results, kept per memory and format while not in use, so repeated calls set up
 * nothing; and the roots of the last dtb walked (a caller usually walks one address space again and again).
 */
interface Walk {
  readonly walker: PageWalker;
  readonly results: WalkResults;
  busy: boolean;
  dtb: PageTableRoot | undefined;
  roots: WalkRoots;
}

const walks = new WeakMap<PhysicalMemory, Map<PageTableFormat, Walk>>();

function walkFor(memory: PhysicalMemory, format: PageTableFormat): Walk {
  let byFormat = walks.get(memory);
  if (byFormat === undefined) {
    byFormat = new Map();
    walks.set(memory, byFormat);
  }
  const kept = byFormat.get(format);
  // A walk already under way (a memory whose reads translate through itself) gets a fresh one.
  if (kept && !kept.busy) return kept;
  const walk = {
    walker: new PageWalker(memory, format),
    results: new WalkResults(),
    busy: false,
    dtb: undefined,
    roots: { lower: 0, upper: 0 },
  };
  if (!kept) byFormat.set(format, walk);
  return walk;
}

/**
 * Translates every address of `addresses` through the page tables at `dtb`, reading the tables
 * from `memory` one level at a time for the whole batch. Throws (Mmu, InvalidArchitecture) for an
 * architecture without a walk here, (VirtualTranslate, InvalidArgument) for a value that is not a
 * 64-bit address; an address that does not translate is a result, not an error.
 *
 * With `results`, the answers land there (typed arrays, one slot per address, numbers that are
 * exact: physical addresses have at most 52 bits) and it is returned: a caller that keeps one
 * `WalkResults` translates again and again without allocating. Without, each address gets a
 * `PageTranslation` object, which costs a few BigInts per address: several times the walk itself.
 */
export function translate(
  memory: PhysicalMemory | BatchedPhysicalMemory,
  architecture: ArchitectureIdent,
  dtb: PageTableRoot,
  addresses: readonly Address[],
): PageTranslation[];
export function translate(
  memory: PhysicalMemory | BatchedPhysicalMemory,
  architecture: ArchitectureIdent,
  dtb: PageTableRoot,
  addresses: readonly Address[],
  results: WalkResults,
): WalkResults;
export function translate(
  memory: PhysicalMemory | BatchedPhysicalMemory,
  architecture: ArchitectureIdent,
  dtb: PageTableRoot,
  addresses: readonly Address[],
  results?: WalkResults,
): PageTranslation[] | WalkResults {
  const format = pageTableFormat(architecture);
  const walk = walkFor(memory, format);
  if (walk.dtb !== dtb) {
    walk.roots = walkRoots(format, dtb);
    walk.dtb = dtb;
  }
  walk.busy = true;
  try {
    walk.walker.walk(walk.roots, addresses, results ?? walk.results);
    if (results) return results;
    return addresses.map((address, index) => translationAt(walk.results, index, address));
  } finally {
    walk.busy = false;
  }
}

/**
 * memflow's `VirtualTranslate`, optional on an OS (its kernel's address space) and on a process:
 * which physical memory a virtual address is, and the map of an address space.
 */
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { MemoryRange, Page, PhysicalAddress } from "./page.ts";

export interface VirtualTranslation {
  readonly inVirtual: bigint;
  readonly size: bigint;
  readonly outPhysical: PhysicalAddress;
}

export interface VirtualTranslationFailure {
  readonly from: bigint;
  readonly size: bigint;
}

export interface VirtualTranslate {
  /** Throws (VirtualTranslate, OutOfBounds) for an address that is not mapped. */
  virtToPhys(address: Address): PhysicalAddress;
  /** The page an address is in; throws as virtToPhys. */
  virtPageInfo(address: Address): Page;
  /** Each range translated in page-sized pieces, and the parts that did not translate. */
  virtToPhysList(ranges: readonly { address: Address; size: Address }[]): {
    translations: VirtualTranslation[];
    failures: VirtualTranslationFailure[];
  };
  /** Each page-sized piece of [start, end) that translates, unmerged (memflow's `virt_to_phys_range`). */
  virtToPhysRange(start: Address, end: Address): VirtualTranslation[];
  /** Translations of [start, end), neighbours contiguous in both spaces merged (memflow's translation map). */
  virtTranslationMap(start?: Address, end?: Address): VirtualTranslation[];
  /**
   * Mapped ranges of [start, end), gaps up to `gapSize` bytes between ranges of one type filled
   * (-1: none filled), as memflow's `virt_page_map_range`.
   */
  virtPageMap(gapSize: number | bigint, start?: Address, end?: Address): MemoryRange[];
  /** The virtual address whose merged translation run starts at `physical`, or undefined (memflow's rule). */
  physToVirt(physical: Address): bigint | undefined;
}

/**
 * memflow's `virt_to_phys` on a process, whichever host runs it: through the process's
 * translation, or (OsLayer, UnsupportedOptionalFeature) naming `label` when it offers none.
 */
export function virtToPhysThrough(
  translate: VirtualTranslate | undefined,
  label: string,
  address: Address,
): PhysicalAddress {
  if (translate === undefined)
    throw new MemflowError("OsLayer", "UnsupportedOptionalFeature", `${label} has no VirtualTranslate`);
  return translate.virtToPhys(address);
}

/**
 * The translated range [start, end) as bigints. memflow asserts end ≥ start, and a panic across
 * the plugin ABI ends the process: every translator, native or TypeScript, refuses it here.
 */
export function translatedRange(start: Address, end: Address): [bigint, bigint] {
  const from = BigInt(start);
  const to = BigInt(end);
  if (to < from)
    throw new MemflowError(
      "VirtualTranslate",
      "InvalidArgument",
      `the range ends (${formatAddress(end)}) before it starts (${formatAddress(start)})`,
    );
  return [from, to];
}

/**
 * Pages and ranges of an address space (memflow's `PageType`, `Page`, `PhysicalAddress`,
 * `MemoryRange`): what translation and memory maps report.
 */

/** memflow's PageType bits. */
export const PAGE_TYPE = {
  NONE: 0,
  UNKNOWN: 1,
  PAGE_TABLE: 2,
  WRITEABLE: 4,
  READ_ONLY: 8,
  NOEXEC: 16,
} as const;

/** A physical address with what the translation knew of its page. */
export interface PhysicalAddress {
  readonly address: bigint;
  /** PAGE_TYPE bits. */
  readonly pageType: number;
  /** The page's size in bytes, or undefined when the translation gave none (memflow stores 0 then). */
  readonly pageSize: bigint | undefined;
}

export interface Page {
  readonly pageType: number;
  readonly pageBase: bigint;
  readonly pageSize: bigint;
}

/** A run of mapped virtual memory of one page type. */
export interface MemoryRange {
  readonly address: bigint;
  readonly size: bigint;
  readonly pageType: number;
}

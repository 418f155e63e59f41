/**
 * What a batched page walk found, one slot per address, in typed arrays a caller may keep and
 * reuse (translating again allocates nothing), and the codes that say how each walk ended.
 */

/** How a walk ended for one address. */
export const WALK = {
  /** Translated: `physical`, `pageSize`, `pageType` are set. */
  OK: 0,
  /** An entry on the way was not present (or, on AArch64, not a valid descriptor for its level). */
  NOT_PRESENT: 1,
  /** The address is outside what the architecture translates (not canonical, or above 4 GiB on 32-bit x86). */
  OUT_OF_RANGE: 2,
  /** A table could not be read: the root or an entry points outside physical memory. */
  TABLE_UNREADABLE: 3,
} as const;

export class WalkResults {
  /** WALK codes. */
  status = new Uint8Array(0);
  /** The level whose entry or table ended the walk (for OK: the level of the page's entry). */
  level = new Uint8Array(0);
  /** Exact doubles: physical addresses have at most 52 bits. */
  physical = new Float64Array(0);
  pageSize = new Float64Array(0);
  /** PAGE_TYPE bits. */
  pageType = new Uint8Array(0);
  count = 0;

  /** Makes room for `count` results. */
  reset(count: number): void {
    if (this.status.length < count) {
      const capacity = Math.max(count, this.status.length * 2, 16);
      this.status = new Uint8Array(capacity);
      this.level = new Uint8Array(capacity);
      this.physical = new Float64Array(capacity);
      this.pageSize = new Float64Array(capacity);
      this.pageType = new Uint8Array(capacity);
    }
    this.count = count;
  }
}

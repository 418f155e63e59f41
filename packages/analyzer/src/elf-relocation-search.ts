/**
 * The relocations that cover a descriptor's pointer fields, found without reading whole tables.
 *
 * A plugin's RELA/REL table holds tens of thousands of relative relocations, but the loader's
 * table is sorted in practice: GNU ld and lld put the relative entries first, sorted by address,
 * and say how many there are (DT_RELACOUNT / DT_RELCOUNT). Those leading entries are searched
 * block by block (interpolating between the addresses seen so far, bisecting when that does not
 * narrow), every slot in lockstep so each round's blocks are fetched together. The entries after
 * them (symbolic relocations, few) are read whole.
 *
 * A RELR table is read only when it could change a result. A RELR relocation adds the load
 * base, so at base 0 it leaves the stored value, the value a field has when nothing relocates
 * it. It matters only where it overrides an earlier table's relocation of the same slot, and in
 * a plugin the descriptor's slots are in one table or the other, so the table is rarely read.
 *
 * The search only trusts what it reads: a block out of order, or out of the bounds the earlier
 * blocks set, means the table is not sorted, and that table is walked whole. A slot the search
 * does not find is not taken as unrelocated: reading it falls back to walking every table
 * (`lookup` below), whose value the result must equal in every case (where the walk finds only a
 * RELR relocation, the search may answer none: both leave the stored value).
 */
import type { Fields } from "./bytes.ts";
import type { ElfHeader } from "./elf-headers.ts";
import {
  entryCount,
  entryTarget,
  hasValidEntries,
  type Relocation,
  type RelocationTable,
  readEntries,
  readEntry,
  type Slots,
  walkEntries,
  walkRelocations,
} from "./elf-relocations.ts";
import type { FileWindow } from "./file-window.ts";

/** A block of entries read per probe: one MIN_READ of the driver, so a probe costs one small read. */
const BLOCK_BYTES = 4096;

/**
 * The number of leading entries of a table that are sorted (its relative entries); the rest,
 * up to `entryCount`, is read whole. A RELR table has no sorted part.
 */
export function sortedCount(table: RelocationTable, count: number): number {
  return table.kind === "relr" ? 0 : Math.min(table.relativeCount, count);
}

/**
 * The byte ranges the search reads first, whatever the slots: the parts read whole, and the
 * first block of each sorted part. Known from the dynamic segment alone, so a parser asks for
 * them together with the symbol tables. Plain loops: every ELF file works these out, mostly
 * before the JIT has compiled this.
 */
export function firstRelocationReads(
  header: ElfHeader,
  tables: readonly RelocationTable[],
): [offset: number, length: number][] {
  const reads: [number, number][] = [];
  for (let index = 0; index < tables.length; index += 1) {
    const table = tables[index] as RelocationTable;
    // Entries too small for their kind are an error only once a descriptor needs the table.
    // RELR is read only once an earlier table relocated a slot (see the top of this file).
    if (table.kind === "relr" || !hasValidEntries(table, header)) continue;
    const count = entryCount(table, header);
    const sorted = sortedCount(table, count);
    const firstBlock = Math.min(Math.max(1, Math.floor(BLOCK_BYTES / table.entrySize)), sorted);
    if (count > sorted) reads.push([table.offset + sorted * table.entrySize, (count - sorted) * table.entrySize]);
    if (firstBlock > 0) reads.push([table.offset, firstBlock * table.entrySize]);
  }
  return reads;
}

/** What the search found: relocations by slot, and the slots it could not rule out elsewhere. */
export interface RelocationSearch {
  readonly found: ReadonlyMap<number, Relocation>;
  /** Slots a full walk might still relocate (the search did not find them in a sorted part). */
  readonly uncertain: ReadonlySet<number>;
}

/**
 * What else a round of the search may fetch: ranges the parser needs next anyway. Called at
 * each round, so it may name ranges it could only work out from bytes an earlier round read.
 */
export type AlsoWanted = () => readonly (readonly [number, number])[];

export interface SearchOptions {
  /**
   * An address no relocation targets (the end of the highest PT_LOAD segment): the upper bound
   * the first interpolation uses, instead of reading the last block of the table for it.
   */
  readonly addressLimit?: number;
  readonly alsoWanted?: AlsoWanted;
  /** `firstRelocationReads(header, tables)`, when the caller has it already. */
  readonly firstReads?: readonly (readonly [number, number])[];
}

/** Searches every table for `slots`, asking for `alsoWanted()` in each of its rounds of reads. */
export function searchRelocations(
  window: FileWindow,
  header: ElfHeader,
  tables: readonly RelocationTable[],
  slots: Slots,
  options: SearchOptions = {},
): RelocationSearch {
  const addressLimit = options.addressLimit ?? Number.POSITIVE_INFINITY;
  const alsoWanted = options.alsoWanted;
  const found = new Map<number, Relocation>();
  const uncertain = new Set<number>();
  // Wanted with the search's first round of reads, not in a round of their own.
  if (alsoWanted !== undefined) window.prefetchLater(alsoWanted);
  window.prefetchLater(options.firstReads ?? (() => firstRelocationReads(header, tables)));
  if (slots.length === 0) return { found, uncertain };
  // Indexed loops, no callbacks: this runs once per run of the parser for every ELF file.
  for (let index = 0; index < tables.length; index += 1) {
    const table = tables[index] as RelocationTable;
    // Nothing to override: whatever it holds, every slot keeps its stored value or is walked.
    if (table.kind === "relr" && found.size === 0) continue;
    const count = entryCount(table, header);
    const sorted = sortedCount(table, count);
    const inSorted = searchSorted(window, header, table, sorted, slots, addressLimit, alsoWanted);
    if (inSorted === "unsorted") {
      walkEntries(window, header, table, 0, sorted, slots, found, undefined);
    } else {
      for (let which = 0; which < slots.length; which += 1) {
        const slot = slots[which] as number;
        const relocation = inSorted.get(slot);
        if (relocation === undefined) {
          if (sorted > 0) uncertain.add(slot);
        } else {
          found.set(slot, relocation);
          uncertain.delete(slot);
        }
      }
    }
    // Later entries override earlier ones, as the loader applies them in order.
    walkEntries(window, header, table, sorted, count, slots, found, uncertain);
  }
  return { found, uncertain };
}

/**
 * The relocation that decides `slot`'s value, walking every table when the search left it
 * uncertain; `undefined` when nothing changes the stored value.
 */
export function lookup(
  search: RelocationSearch,
  slot: number,
  fullWalk: () => ReadonlyMap<number, Relocation>,
): Relocation | undefined {
  return search.uncertain.has(slot) ? fullWalk().get(slot) : search.found.get(slot);
}

export { walkRelocations };

/** How many entries of `stride` bytes a probe reads at once. */
export function entriesPerBlock(stride: number): number {
  return Math.max(1, Math.floor(BLOCK_BYTES / stride));
}

/** One slot's search state: entries `[low, high)` may hold it, their neighbours' targets bound it. */
export interface Probe {
  readonly slot: number;
  low: number;
  high: number;
  lowTarget: number;
  highTarget: number;
  /** Whether the last block was placed by interpolation. */
  interpolated: boolean;
  /** Set when interpolating did not halve the range: the next block is the middle one. */
  bisect: boolean;
  /** The block this round reads: entries `[first, end)`. */
  first: number;
  end: number;
}

/** A probe for `slot` over the first `count` entries, with no block read yet. */
export function newProbe(slot: number, count: number, addressLimit: number): Probe {
  return {
    slot,
    low: 0,
    high: count,
    lowTarget: Number.NEGATIVE_INFINITY,
    highTarget: addressLimit,
    interpolated: false,
    bisect: false,
    first: 0,
    end: 0,
  };
}

/**
 * Finds each slot in the first `count` entries of `table`, which claim to be sorted by target.
 * Returns the last entry for each slot found (as a full walk would), or "unsorted" as soon as
 * a block read contradicts the order.
 */
function searchSorted(
  window: FileWindow,
  header: ElfHeader,
  table: RelocationTable,
  count: number,
  slots: Slots,
  addressLimit: number,
  alsoWanted: AlsoWanted | undefined,
): Map<number, Relocation> | "unsorted" {
  const found = new Map<number, Relocation>();
  if (count === 0 || table.kind === "relr") return found;
  const kind = table.kind;
  const stride = table.entrySize;
  const perBlock = entriesPerBlock(stride);
  let open: Probe[] = [];
  for (let index = 0; index < slots.length; index += 1)
    open.push(newProbe(slots[index] as number, count, addressLimit));
  // Each round narrows every open probe by at least one block, so `count` rounds always end it.
  for (let round = 0; open.length > 0 && round <= count; round += 1) {
    // The round's blocks as byte ranges, built directly (no closure, no map): this runs every
    // round of every re-run, mostly interpreted. Slots of one descriptor lie a few bytes apart,
    // so their probes mostly read the same block: it is named, read and bounded once (probes
    // are in slot order, so equal blocks are neighbours).
    const ranges: [number, number][] = [];
    for (let index = 0; index < open.length; index += 1) {
      const probe = open[index] as Probe;
      placeBlock(probe, perBlock);
      const previous = index > 0 ? (open[index - 1] as Probe) : undefined;
      if (previous !== undefined && previous.first === probe.first && previous.end === probe.end) continue;
      ranges.push([table.offset + probe.first * stride, (probe.end - probe.first) * stride]);
    }
    // What else the parser needs comes with the blocks, but asks for no round by itself.
    if (alsoWanted !== undefined) window.prefetchLater(alsoWanted);
    window.prefetch(ranges);
    const next: Probe[] = [];
    let entries: Fields | undefined;
    let first = -1;
    let end = -1;
    for (let index = 0; index < open.length; index += 1) {
      const probe = open[index] as Probe;
      if (entries === undefined || probe.first !== first || probe.end !== end) {
        first = probe.first;
        end = probe.end;
        entries = readEntries(window, header, table, first, end);
      }
      const at = probeBlock(probe, entries, header, stride);
      if (at === PROBE_UNSORTED) return "unsorted";
      if (at === PROBE_ABSENT) continue;
      if (at >= 0) {
        // An equal entry right after the block would override this one; read on to the last.
        let last = first + at;
        while (last + 1 < count && targetAt(window, header, table, last + 1) === probe.slot) last += 1;
        const entry = readEntries(window, header, table, last, last + 1);
        found.set(probe.slot, readEntry(entry, 0, kind, header));
        continue;
      }
      if (probe.low < probe.high) next.push(probe);
    }
    open = next;
  }
  return found;
}

/** `probeBlock`'s answers besides an index: the entries are out of order, or the slot is not among them. */
export const PROBE_UNSORTED = -1;
export const PROBE_ABSENT = -2;
/** The probe was narrowed: it reads another block while `low < high`. */
export const PROBE_NARROWED = -3;

/**
 * Narrows `probe` with the block it read (`entries`, its entries `[first, end)`): the index in
 * the block of the last entry for its slot, or PROBE_NARROWED, PROBE_ABSENT (it falls between two
 * entries: not in the sorted part) or PROBE_UNSORTED (a target out of order, or out of the bounds
 * earlier blocks set). Used by the search here and, one slot at a time, by the quick ELF scan.
 */
export function probeBlock(probe: Probe, entries: Fields, header: ElfHeader, stride: number): number {
  const first = probe.first;
  const end = probe.end;
  const firstTarget = entryTarget(entries, 0, header);
  const lastTarget = entryTarget(entries, (end - 1 - first) * stride, header);
  if (firstTarget > lastTarget || firstTarget < probe.lowTarget || lastTarget > probe.highTarget) return PROBE_UNSORTED;
  const width = probe.high - probe.low;
  if (probe.slot < firstTarget) {
    probe.high = first;
    probe.highTarget = firstTarget;
  } else if (probe.slot > lastTarget) {
    probe.low = end;
    probe.lowTarget = lastTarget;
  } else {
    const at = lastAtMost(entries, stride, header, end - 1 - first, probe.slot, firstTarget, lastTarget);
    if (at === "unsorted") return PROBE_UNSORTED;
    return entryTarget(entries, at * stride, header) === probe.slot ? at : PROBE_ABSENT;
  }
  probe.bisect = probe.interpolated && probe.high - probe.low > width / 2;
  return PROBE_NARROWED;
}

/**
 * Places the block a probe reads next (`probe.first`, `probe.end`): the first block (fetched
 * with the symbol tables) and, without an address limit, the last one, until both bounds are
 * known; then the block around the interpolated position, or the middle one when interpolating
 * last time did not halve the range (skewed addresses).
 */
export function placeBlock(probe: Probe, perBlock: number): void {
  const low = probe.low;
  const high = probe.high;
  const lowTarget = probe.lowTarget;
  const highTarget = probe.highTarget;
  probe.interpolated = false;
  let first: number;
  if (high - low <= perBlock) {
    probe.first = low;
    probe.end = high;
    return;
  }
  if (lowTarget === Number.NEGATIVE_INFINITY) first = low;
  else if (highTarget === Number.POSITIVE_INFINITY) first = high - perBlock;
  else {
    let guess = Math.floor((low + high) / 2);
    if (!probe.bisect && highTarget > lowTarget) {
      guess = low + Math.floor(((probe.slot - lowTarget) / (highTarget - lowTarget)) * (high - low));
      probe.interpolated = true;
    }
    // Blocks on a grid of whole blocks: slots a few bytes apart (one descriptor's) share one read.
    const aligned = guess - (guess % perBlock);
    first = Math.min(Math.max(low, aligned), high - perBlock);
  }
  probe.first = first;
  probe.end = first + perBlock;
}

/**
 * The last index in `[0, high]` of a block of `entries`, `stride` bytes apart, whose target is
 * at most `slot`, by bisection, given `lowTarget` (entry 0's) `<= slot <= highTarget` (entry
 * `high`'s). Every target read must lie between the bounds the earlier ones set; one that does
 * not proves the entries unsorted. Targets are read in place, not through a closure: this runs
 * a dozen times per slot, mostly before the JIT has compiled it.
 */
function lastAtMost(
  entries: Fields,
  stride: number,
  header: ElfHeader,
  high: number,
  slot: number,
  lowTarget: number,
  highTarget: number,
): number | "unsorted" {
  // Plain assignments, not destructuring: each `[a, b] = [c, d]` allocates an array in the
  // interpreter, which runs this search in a fresh scan.
  let lo = 0;
  let hi = high;
  let loTarget = lowTarget;
  let hiTarget = highTarget;
  // `entryTarget`, spelled out: a call less for each of a dozen targets per slot and round.
  const wide = header.wide;
  while (hi - lo > 1) {
    const middle = (lo + hi) >>> 1;
    const value = wide ? entries.offset64(middle * stride, "r_offset") : entries.u32(middle * stride);
    if (value < loTarget || value > hiTarget) return "unsorted";
    if (value <= slot) {
      lo = middle;
      loTarget = value;
    } else {
      hi = middle;
      hiTarget = value;
    }
  }
  return hiTarget <= slot ? hi : lo;
}

function targetAt(window: FileWindow, header: ElfHeader, table: RelocationTable, index: number): number {
  return entryTarget(readEntries(window, header, table, index, index + 1), 0, header);
}

/**
 * The batched page-table walk: every address of a batch goes down the tables together, so each
 * level costs one batched physical read (one `run` of a TransferBatch when the memory offers it,
 * else one `readMany`), whatever the number of addresses.
 *
 * Addresses of a batch are usually close to each other, and neighbours share their upper
 * entries. Before walking, each address is compared with the one before it: how many levels, from
 * the root down, they share (`depth`). At each level only the addresses that need an entry of
 * their own are walked (the "leaders"; memflow groups addresses the same way); one that shares
 * the entry with its predecessor follows it, and takes the verdict of the leader it followed at
 * the end (its own offset into the same page). So the work per level follows the number of
 * distinct entries, not of addresses.
 */
import { MemflowError } from "../../error.ts";
import type { Address } from "../../memory/address.ts";
import type { PhysicalMemory } from "../../memory/physical-memory.ts";
import { TRANSFER_RECORD, TransferBatch } from "../../memory/transfer-batch.ts";
import { ENTRY, type PageTableFormat, pageTypeOf } from "./page-table-format.ts";
import { WALK, type WalkResults } from "./walk-results.ts";
import { walkState } from "./walk-state.ts";

/** A PhysicalMemory that may run a reusable batch in one call (a Connector does). */
export interface BatchedPhysicalMemory extends PhysicalMemory {
  run?(batch: TransferBatch, write?: boolean): void;
}

/** The roots of a walk as exact doubles; `upper` serves the upper half where the format has two roots. */
export interface WalkRoots {
  readonly lower: number;
  readonly upper: number;
}

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

function invalidAddress(address: Address): MemflowError {
  return new MemflowError("VirtualTranslate", "InvalidArgument", `${String(address)} is not a 64-bit address`);
}

/** Splits a 64-bit address into its 32-bit halves at `out[index * 2]` (low) and `out[index * 2 + 1]`. */
export function splitAddress(address: Address, out: Uint32Array, index: number): void {
  if (typeof address === "number") {
    if (!(address >= 0 && address < 2 ** 64) || !Number.isInteger(address)) throw invalidAddress(address);
    out[index * 2] = address >>> 0;
    out[index * 2 + 1] = Math.floor(address / TWO_32) >>> 0;
    return;
  }
  if (address < 0n || address > MAX_U64) throw invalidAddress(address);
  out[index * 2] = Number(address & 0xffff_ffffn);
  out[index * 2 + 1] = Number(address >> 32n);
}

/** The page type of each value of WalkState.access. */
const PAGE_TYPE_OF = Uint8Array.from({ length: 16 }, (_, access) =>
  pageTypeOf((access & ENTRY.WRITEABLE) !== 0, (access & ENTRY.NO_EXECUTE) !== 0),
);

/** The bits of an entry's high half that are address bits. */
function highMaskOf(format: PageTableFormat): number {
  return format.physicalBits > 32 ? 2 ** (format.physicalBits - 32) - 1 : 0;
}

/** A physical root as an exact double, aligned as the format requires. */
export function rootOf(format: PageTableFormat, dtb: Address): number {
  const halves = new Uint32Array(2);
  splitAddress(dtb, halves, 0);
  const low = ((halves[0] ?? 0) & ~((1 << format.rootAlignBits) - 1)) >>> 0;
  return ((halves[1] ?? 0) & highMaskOf(format)) * TWO_32 + low;
}

/**
 * Where the entry for the address at `index` (its halves in `halves`) lies in the table at
 * `table`, at a level of index shift `shift` and index mask `mask`. A plain function: the JIT
 * inlines it, where a private method costs a call per entry.
 */
function entryAddressOf(
  halves: Uint32Array,
  index: number,
  shift: number,
  mask: number,
  table: number,
  entrySize: number,
): number {
  const low = halves[index * 2] as number;
  const high = halves[index * 2 + 1] as number;
  const entry = shift >= 32 ? high >>> (shift - 32) : (low >>> shift) | (high << (32 - shift));
  return table + (entry & mask) * entrySize;
}

export class PageWalker {
  readonly format: PageTableFormat;
  readonly #memory: BatchedPhysicalMemory;
  readonly #shifts: Int32Array;
  readonly #indexMasks: Int32Array;
  /** Per level: the offset bits within a page its entries map, 2^shift - 1 (made once: `2 ** shift` is a call per walk). */
  readonly #offsetMasks: Float64Array;
  readonly #highMask: number;
  /**
   * How many levels, from the root, two addresses share when the highest bit where they differ is
   * `bit` (index `bit + 1`; index 0 when they are equal): the levels whose index lies above it.
   */
  readonly #sharedBelow: Uint8Array;
  /** The walk's working arrays, sized for the largest batch so far (walk-state.ts). */
  #state = walkState(0, 0);
  #batch: TransferBatch | undefined;
  /** How many physical batches this walker ran (each level of each walk is one). */
  physicalBatches = 0;

  constructor(memory: BatchedPhysicalMemory, format: PageTableFormat) {
    this.#memory = memory;
    this.format = format;
    this.#shifts = Int32Array.from(format.levels, (level) => level.shift);
    this.#indexMasks = Int32Array.from(format.levels, (level) => 2 ** level.bits - 1);
    this.#offsetMasks = Float64Array.from(format.levels, (level) => 2 ** level.shift - 1);
    this.#highMask = highMaskOf(format);
    this.#sharedBelow = Uint8Array.from({ length: 65 }, (_, bit) =>
      format.levels.reduce((shared, level) => (level.shift > bit - 1 ? shared + 1 : shared), 0),
    );
  }

  #reserve(count: number): void {
    if (this.#state.table.length >= count) return;
    const capacity = Math.max(count, this.#state.table.length * 2, 16);
    this.#state = walkState(capacity, this.format.levels.length);
    if (this.#memory.run) {
      const batch = new TransferBatch(capacity);
      for (let index = 0; index < capacity; index += 1)
        batch.add(0, this.#state.entries.subarray(index * 8, index * 8 + this.format.entrySize));
      this.#batch = batch;
      this.#state.entryAddresses = batch.addresses;
    }
  }

  /** Translates `addresses`; results land in `results`, one slot per address. */
  walk(roots: WalkRoots, addresses: readonly Address[], results: WalkResults): void {
    const count = addresses.length;
    results.reset(count);
    this.#reserve(count);
    let pendingCount = this.#prepare(roots, addresses, results);
    const levels = this.format.levels.length;
    const joiningCount = this.#state.joiningCount;
    for (let level = 0; level < levels; level += 1) {
      // Most levels have no one joining (setting up #join costs more than its empty loop).
      if (joiningCount[level] !== 0) pendingCount = this.#join(level, pendingCount);
      if (pendingCount > 0) pendingCount = this.#step(level, pendingCount, results);
    }
    this.#inherit(count, results);
  }

  /**
   * Splits each address, refuses those out of range, and finds how many levels it shares with the
   * address before it; those sharing none start at the root. Returns how many start there.
   */
  #prepare(roots: WalkRoots, addresses: readonly Address[], results: WalkResults): number {
    const format = this.format;
    const { halves, reached, access, pending, parent, joining, joiningCount, lastAtMost } = this.#state;
    const entryAddresses = this.#state.entryAddresses;
    const sharedBelow = this.#sharedBelow;
    const levels = this.#shifts.length;
    const topShift = format.virtualBits - 33;
    const rootShift = this.#shifts[0] as number;
    const rootMask = this.#indexMasks[0] as number;
    const entrySize = format.entrySize;
    // A loop, not fill(): fill is a call into the runtime, dearer than the few levels it clears.
    for (let level = 0; level < levels; level += 1) joiningCount[level] = 0;
    const signExtended = format.signExtended;
    const upperRoot = format.splitRoots ? roots.upper : roots.lower;
    const lowerRoot = roots.lower;
    let previous = -1;
    let previousUpper = false;
    let previousLow = 0;
    let previousHigh = 0;
    let pendingCount = 0;
    for (let index = 0; index < addresses.length; index += 1) {
      const address = addresses[index] as Address;
      // Numbers below 2^53 are the common case: split them here, without a call.
      let low: number;
      let high: number;
      if (
        typeof address === "number" &&
        address >= 0 &&
        address <= Number.MAX_SAFE_INTEGER &&
        address === Math.floor(address)
      ) {
        low = address >>> 0;
        high = (address / TWO_32) >>> 0;
        halves[index * 2] = low;
        halves[index * 2 + 1] = high;
      } else {
        splitAddress(address, halves, index);
        low = halves[index * 2] as number;
        high = halves[index * 2 + 1] as number;
      }
      const top = signExtended ? (high | 0) >> topShift : high === 0 ? 0 : 1;
      if (top !== 0 && (top !== -1 || !signExtended)) {
        results.status[index] = WALK.OUT_OF_RANGE;
        results.level[index] = 0;
        reached[index] = 255;
        continue;
      }
      const upper = top === -1;
      let shared = 0;
      if (previous >= 0 && upper === previousUpper) {
        const highDiff = high ^ previousHigh;
        shared = sharedBelow[highDiff !== 0 ? 64 - Math.clz32(highDiff) : 32 - Math.clz32(low ^ previousLow)] as number;
      }
      reached[index] = 0;
      if (shared === 0) {
        const root = upper ? upperRoot : lowerRoot;
        access[index] = ENTRY.WRITEABLE;
        entryAddresses[pendingCount] = entryAddressOf(halves, index, rootShift, rootMask, root, entrySize);
        pending[pendingCount++] = index;
      } else {
        // It follows, down to level shared - 1, the last address that needed that level's entry.
        parent[index] = lastAtMost[shared - 1] as number;
        if (shared < levels) {
          const joiningAt = joining[shared] as Int32Array;
          joiningAt[joiningCount[shared] as number] = index;
          joiningCount[shared] = (joiningCount[shared] as number) + 1;
        }
      }
      for (let level = shared; level < levels; level += 1) lastAtMost[level] = index;
      previous = index;
      previousUpper = upper;
      previousLow = low;
      previousHigh = high;
    }
    return pendingCount;
  }

  /** Adds to the walkers of `level` the addresses that need its entry whose leader got this far. */
  #join(level: number, pendingCount: number): number {
    const { halves, reached, parent: parents, table, access, pending, entryAddresses } = this.#state;
    const shift = this.#shifts[level] as number;
    const mask = this.#indexMasks[level] as number;
    const entrySize = this.format.entrySize;
    const joining = this.#state.joining[level] as Int32Array;
    const joiningCount = this.#state.joiningCount[level] as number;
    let count = pendingCount;
    for (let slot = 0; slot < joiningCount; slot += 1) {
      const index = joining[slot] as number;
      const parent = parents[index] as number;
      if (reached[parent] !== level) continue;
      access[index] = access[parent] as number;
      reached[index] = level;
      entryAddresses[count] = entryAddressOf(halves, index, shift, mask, table[parent] as number, entrySize);
      pending[count++] = index;
    }
    return count;
  }

  /** Reads the entry of `level` of every walking address (one batch); returns how many go on down. */
  #step(level: number, pendingCount: number, results: WalkResults): number {
    const format = this.format;
    const entrySize = format.entrySize;
    const state = this.#state;
    const { halves, table, pending, readOk, words, next, reached, access, entryAddresses } = state;
    // Where each request's outcome is: its record's count of bytes done (an entry's size fits the
    // low word), or the readOk of a memory without `run`.
    const records = this.#readEntries(entryAddresses, pendingCount);
    const highMask = this.#highMask;
    const offsetMask = this.#offsetMasks[level] as number;
    const nextShift = level + 1 < this.#shifts.length ? (this.#shifts[level + 1] as number) : 0;
    const nextMask = level + 1 < this.#shifts.length ? (this.#indexMasks[level + 1] as number) : 0;
    const { status, level: levels, physical, pageSize, pageType } = results;
    let nextCount = 0;
    for (let slot = 0; slot < pendingCount; slot += 1) {
      const index = pending[slot] as number;
      const at = slot * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.DONE;
      // The count of bytes done is at most the entry's size: its high word is always zero.
      if (records ? records[at] !== entrySize : readOk[slot] === 0) {
        status[index] = WALK.TABLE_UNREADABLE;
        levels[index] = level;
        reached[index] = 255;
        continue;
      }
      const low = words[slot * 2] as number;
      const high = entrySize === 8 ? (words[slot * 2 + 1] as number) : 0;
      const decoded = format.decode(low, high, level);
      const kind = decoded & ENTRY.KIND;
      if (kind === ENTRY.INVALID) {
        status[index] = WALK.NOT_PRESENT;
        levels[index] = level;
        reached[index] = 255;
        continue;
      }
      const allowed = ((access[index] as number) & (decoded | ~ENTRY.WRITEABLE)) | (decoded & ENTRY.NO_EXECUTE);
      access[index] = allowed;
      const highPart = (high & highMask) * TWO_32;
      if (kind === ENTRY.TABLE) {
        // The next level's request goes where this one's was read (slot >= nextCount): already used.
        const nextTable = highPart + ((low & 0xffff_f000) >>> 0);
        table[index] = nextTable;
        reached[index] = level + 1;
        entryAddresses[nextCount] = entryAddressOf(halves, index, nextShift, nextMask, nextTable, entrySize);
        next[nextCount++] = index;
        continue;
      }
      // A page of 2^shift bytes (at most 1 GiB): its base keeps the entry's bits above the size.
      const base = (low & 0xffff_f000 & ~offsetMask) >>> 0;
      status[index] = WALK.OK;
      levels[index] = level;
      physical[index] = highPart + base + (((halves[index * 2] as number) & offsetMask) >>> 0);
      pageSize[index] = offsetMask + 1;
      pageType[index] = PAGE_TYPE_OF[allowed] as number;
      reached[index] = 255;
    }
    state.next = pending;
    state.pending = next;
    return nextCount;
  }

  /**
   * Gives each address that never needed an entry of its own the verdict of the leader it
   * followed: the same failure, or the same page at its own offset.
   */
  #inherit(count: number, results: WalkResults): void {
    const { status, level, physical, pageSize, pageType } = results;
    const { halves, reached, parent: parents } = this.#state;
    for (let index = 0; index < count; index += 1) {
      if (reached[index] === 255) continue;
      const parent = parents[index] as number;
      status[index] = status[parent] as number;
      level[index] = level[parent] as number;
      if (status[parent] !== WALK.OK) continue;
      const size = pageSize[parent] as number;
      const offsetMask = size - 1;
      const parentOffset = ((halves[parent * 2] as number) & offsetMask) >>> 0;
      physical[index] =
        (physical[parent] as number) - parentOffset + (((halves[index * 2] as number) & offsetMask) >>> 0);
      pageSize[index] = size;
      pageType[index] = pageType[parent] as number;
      reached[index] = 255;
    }
  }

  /**
   * Reads `count` entries in one batch into the state's entries. Returns the batch's records when
   * the memory ran the batch (their counts of bytes done say which entries were read whole), else
   * undefined and the state's readOk says.
   */
  #readEntries(addresses: Float64Array, count: number): Uint32Array | undefined {
    this.physicalBatches += 1;
    const size = this.format.entrySize;
    const batch = this.#batch;
    const memory = this.#memory;
    const { readOk, entries } = this.#state;
    if (batch && memory.run) {
      batch.use(count);
      memory.run(batch);
      return batch.records;
    }
    const requests = Array.from({ length: count }, (_, request) => ({
      address: addresses[request] as number,
      length: size,
    }));
    for (const [request, result] of memory.readMany(requests).entries()) {
      entries.set(result.data.subarray(0, size), request * 8);
      readOk[request] = result.ok ? 1 : 0;
    }
    return undefined;
  }
}

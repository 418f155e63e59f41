/**
 * The batched page-table walk: every address of a batch goes down the tables together, so each
 * level costs one batched physical read (one `run` of a TransferBatch when the memory offers it,
 * else one `readMany`), whatever the number of addresses. A walk's results are kept in typed
 * arrays that the walker reuses, so translating the same batch size again allocates nothing;
 * `translate()` (translate.ts) turns them into objects.
 */
import { MemflowError } from "../../error.ts";
import type { Address } from "../../memory/address.ts";
import type { PhysicalMemory } from "../../memory/physical-memory.ts";
import { TransferBatch } from "../../memory/transfer-batch.ts";
import { ENTRY, type PageTableFormat, pageTypeOf } from "./page-table-format.ts";

/** A PhysicalMemory that may run a reusable batch in one call (a Connector does). */
export interface BatchedPhysicalMemory extends PhysicalMemory {
  run?(batch: TransferBatch, write?: boolean): void;
}

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

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** The roots of a walk as exact doubles; `upper` serves the upper half where the format has two roots. */
export interface WalkRoots {
  readonly lower: number;
  readonly upper: number;
}

/** One walk's results, a slot per address, in reusable typed arrays. */
export class WalkResults {
  status = new Uint8Array(0);
  /** The level whose entry or table ended the walk (for OK: the level of the page's entry). */
  level = new Uint8Array(0);
  physical = new Float64Array(0);
  pageSize = new Float64Array(0);
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

function invalidAddress(address: Address): MemflowError {
  return new MemflowError("VirtualTranslate", "InvalidArgument", `${String(address)} is not a 64-bit address`);
}

/** Splits a 64-bit address into its 32-bit halves. */
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

/** A physical root as an exact double, aligned as the format requires. */
export function rootOf(format: PageTableFormat, dtb: Address): number {
  const halves = new Uint32Array(2);
  splitAddress(dtb, halves, 0);
  const low = (halves[0] ?? 0) & ~((1 << format.rootAlignBits) - 1);
  return physicalFrom(format, low >>> 0, halves[1] ?? 0);
}

/** The physical address an entry's (or root's) address bits give, as an exact double. */
function physicalFrom(format: PageTableFormat, low: number, high: number): number {
  const highBits = format.physicalBits - 32;
  const highPart = highBits > 0 ? high & (2 ** highBits - 1) : 0;
  return highPart * TWO_32 + (low >>> 0);
}

export class PageWalker {
  readonly format: PageTableFormat;
  readonly #memory: BatchedPhysicalMemory;
  #halves = new Uint32Array(0);
  #table = new Float64Array(0);
  #allowWrite = new Uint8Array(0);
  #noExecute = new Uint8Array(0);
  #pending = new Int32Array(0);
  #next = new Int32Array(0);
  /** Entry bytes, 8 per request whatever the entry size. */
  #entries = new Uint8Array(0);
  #words = new Uint32Array(0);
  #batch: TransferBatch | undefined;
  /** How many physical batches this walker ran (each level of each walk is one). */
  physicalBatches = 0;

  constructor(memory: BatchedPhysicalMemory, format: PageTableFormat) {
    this.#memory = memory;
    this.format = format;
  }

  #reserve(count: number): void {
    if (this.#table.length >= count) return;
    const capacity = Math.max(count, this.#table.length * 2, 16);
    this.#halves = new Uint32Array(capacity * 2);
    this.#table = new Float64Array(capacity);
    this.#allowWrite = new Uint8Array(capacity);
    this.#noExecute = new Uint8Array(capacity);
    this.#pending = new Int32Array(capacity);
    this.#next = new Int32Array(capacity);
    this.#entries = new Uint8Array(capacity * 8);
    this.#words = new Uint32Array(this.#entries.buffer);
    if (this.#memory.run) {
      const batch = new TransferBatch(capacity);
      for (let index = 0; index < capacity; index += 1)
        batch.add(0, this.#entries.subarray(index * 8, index * 8 + this.format.entrySize));
      this.#batch = batch;
    }
  }

  /** Translates `addresses`; results land in `results`, one slot per address. */
  walk(roots: WalkRoots, addresses: readonly Address[], results: WalkResults): void {
    const count = addresses.length;
    results.reset(count);
    this.#reserve(count);
    const format = this.format;
    const halves = this.#halves;
    const topShift = format.virtualBits - 33;
    let pendingCount = 0;
    for (let index = 0; index < count; index += 1) {
      splitAddress(addresses[index] as Address, halves, index);
      const high = halves[index * 2 + 1] as number;
      let upper = false;
      if (format.signExtended) {
        const top = (high | 0) >> topShift;
        if (top !== 0 && top !== -1) {
          results.status[index] = WALK.OUT_OF_RANGE;
          results.level[index] = 0;
          continue;
        }
        upper = top === -1;
      } else if (high !== 0) {
        results.status[index] = WALK.OUT_OF_RANGE;
        results.level[index] = 0;
        continue;
      }
      this.#table[index] = upper && format.splitRoots ? roots.upper : roots.lower;
      this.#allowWrite[index] = 1;
      this.#noExecute[index] = 0;
      this.#pending[pendingCount++] = index;
    }
    for (let level = 0; level < format.levels.length && pendingCount > 0; level += 1)
      pendingCount = this.#step(level, pendingCount, results);
  }

  /** Reads the entry of `level` for every pending address (one batch); returns how many go on down. */
  #step(level: number, pendingCount: number, results: WalkResults): number {
    const format = this.format;
    const { shift, bits } = format.levels[level] ?? { shift: 0, bits: 0 };
    const mask = 2 ** bits - 1;
    const halves = this.#halves;
    const pending = this.#pending;
    const entryAddresses = this.#batch?.addresses ?? new Float64Array(pendingCount);
    for (let slot = 0; slot < pendingCount; slot += 1) {
      const index = pending[slot] as number;
      const low = halves[index * 2] as number;
      const high = halves[index * 2 + 1] as number;
      const entry = shift >= 32 ? high >>> (shift - 32) : (low >>> shift) | (high << (32 - shift));
      entryAddresses[slot] = (this.#table[index] as number) + (entry & mask) * format.entrySize;
    }
    const readOk = this.#readEntries(entryAddresses, pendingCount);
    const words = this.#words;
    const next = this.#next;
    let nextCount = 0;
    for (let slot = 0; slot < pendingCount; slot += 1) {
      const index = pending[slot] as number;
      results.level[index] = level;
      if (!readOk(slot)) {
        results.status[index] = WALK.TABLE_UNREADABLE;
        continue;
      }
      const low = words[slot * 2] as number;
      const high = format.entrySize === 8 ? (words[slot * 2 + 1] as number) : 0;
      const kind = format.kind(low, high, level);
      if (kind === ENTRY.INVALID) {
        results.status[index] = WALK.NOT_PRESENT;
        continue;
      }
      if (!format.writeable(low, high, level)) this.#allowWrite[index] = 0;
      if (format.noExecute(low, high, level)) this.#noExecute[index] = 1;
      const target = physicalFrom(format, low & 0xffff_f000, high);
      if (kind === ENTRY.TABLE) {
        this.#table[index] = target;
        next[nextCount++] = index;
        continue;
      }
      const size = 2 ** shift;
      const offset = ((halves[index * 2] as number) & (size - 1)) >>> 0;
      results.status[index] = WALK.OK;
      results.physical[index] = target - (target % size) + offset;
      results.pageSize[index] = size;
      results.pageType[index] = pageTypeOf(this.#allowWrite[index] === 1, this.#noExecute[index] === 1);
    }
    this.#next = pending;
    this.#pending = next;
    return nextCount;
  }

  /** Reads `count` entries in one batch into #entries; returns whether entry `slot` was read whole. */
  #readEntries(addresses: Float64Array, count: number): (slot: number) => boolean {
    this.physicalBatches += 1;
    const size = this.format.entrySize;
    const batch = this.#batch;
    const memory = this.#memory;
    if (batch && memory.run) {
      batch.use(count);
      memory.run(batch);
      return (slot) => batch.done(slot) === size;
    }
    const requests = Array.from({ length: count }, (_, slot) => ({ address: addresses[slot] as number, length: size }));
    const read = memory.readMany(requests);
    for (const [slot, result] of read.entries()) this.#entries.set(result.data.subarray(0, size), slot * 8);
    return (slot) => read[slot]?.ok === true;
  }
}

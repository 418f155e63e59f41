/**
 * A reusable batch of reads or writes: fill requests with `add`/`set`, run it on any memory,
 * read the per-request results. Reusing one batch avoids allocating per call, which matters for
 * many small reads.
 *
 * The requests are kept as fixed records of five little-endian u64 (address, data, length, done,
 * failed), the layout the native shim reads, so a native memory runs a batch without copying it.
 * The data field belongs to whichever memory runs the batch: a native one writes there where each
 * buffer lives (`takeRebound` says which buffers changed since it last looked).
 */
import { MemflowError } from "../error.ts";
import type { Address } from "./address.ts";

/** One request record, in 32-bit words. */
export const TRANSFER_RECORD = { WORDS: 10, ADDRESS: 0, DATA: 2, LENGTH: 4, DONE: 6, FAILED: 8 } as const;

const TWO_32 = 0x1_0000_0000;
/** Addresses from here on do not fit a double exactly. */
const MAX_EXACT = 2n ** 53n;

function batchError(message: string): MemflowError {
  return new MemflowError("Other", "InvalidArgument", message);
}

/** Stores a value as two 32-bit halves, without a BigInt when it is a number. */
export function setRecordWord(words: Uint32Array, index: number, value: number | bigint): void {
  if (typeof value === "number") {
    words[index] = value >>> 0;
    words[index + 1] = Math.floor(value / TWO_32) >>> 0;
  } else {
    words[index] = Number(value & 0xffffffffn);
    words[index + 1] = Number((value >> 32n) & 0xffffffffn);
  }
}

function recordNumber(words: Uint32Array, index: number): number {
  return (words[index] ?? 0) + (words[index + 1] ?? 0) * TWO_32;
}

export class TransferBatch {
  readonly capacity: number;
  /**
   * Each request's address. Writing `batch.addresses[i] = address` directly is the fastest way
   * to re-point a request; addresses at or above 2^53 go through `set` (they are stored as NaN
   * here and in full in the request's record).
   */
  readonly addresses: Float64Array;
  readonly #words: Uint32Array;
  readonly #buffers: (Uint8Array | undefined)[];
  /** Requests whose buffer changed since the running memory last took them, each listed once. */
  #rebound: number[] = [];
  readonly #isRebound: Uint8Array;
  /** Requests 0 to this one (excluded) all have a buffer: `use` checks only past it. */
  #boundPrefix = 0;
  #count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.addresses = new Float64Array(capacity);
    this.#words = new Uint32Array(capacity * TRANSFER_RECORD.WORDS);
    this.#buffers = new Array(capacity).fill(undefined);
    this.#isRebound = new Uint8Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  /** The request records (see the file comment for their layout). */
  get records(): Uint32Array {
    return this.#words;
  }

  clear(): void {
    this.#count = 0;
  }

  /** Adds a request for `buffer.length` bytes at `address`, into or from `buffer`. */
  add(address: Address, buffer: Uint8Array): number {
    if (this.#count >= this.capacity) throw batchError(`the batch holds at most ${this.capacity} requests`);
    const index = this.#count++;
    this.#bind(index, buffer);
    this.#setAddress(index, address);
    return index;
  }

  /**
   * Points request `index` at a new address, keeping the buffer it had: the cheapest way to
   * read many small ranges again and again. The batch grows to include `index`.
   */
  set(index: number, address: Address, buffer?: Uint8Array): void {
    if (index < 0 || index >= this.capacity)
      throw batchError(`request ${index} is outside a batch of ${this.capacity}`);
    if (buffer !== undefined) this.#bind(index, buffer);
    else if (this.#buffers[index] === undefined) throw batchError(`request ${index} has no buffer yet`);
    this.#setAddress(index, address);
    if (index >= this.#count) this.#count = index + 1;
  }

  /** Makes the first `count` requests the batch (after writing `addresses` directly). */
  use(count: number): void {
    if (count < 0 || count > this.capacity)
      throw batchError(`a batch of ${this.capacity} cannot use ${count} requests`);
    for (let index = this.#boundPrefix; index < count; index += 1) {
      if (this.#buffers[index] === undefined) throw batchError(`request ${index} has no buffer yet`);
    }
    this.#count = count;
  }

  #setAddress(index: number, address: Address): void {
    if (typeof address === "number" || address < MAX_EXACT) {
      this.addresses[index] = Number(address);
      return;
    }
    this.addresses[index] = Number.NaN;
    setRecordWord(this.#words, index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.ADDRESS, address);
  }

  #bind(index: number, buffer: Uint8Array): void {
    if (this.#buffers[index] === buffer) return;
    this.#buffers[index] = buffer;
    while (this.#buffers[this.#boundPrefix] !== undefined) this.#boundPrefix += 1;
    if (this.#isRebound[index] === 0) {
      this.#isRebound[index] = 1;
      this.#rebound.push(index);
    }
    setRecordWord(this.#words, index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.LENGTH, buffer.length);
  }

  /**
   * The requests whose buffer changed since the last call, for a memory that keeps its own
   * reference to each buffer in the record (the native shim keeps the address).
   */
  takeRebound(): readonly number[] {
    if (this.#rebound.length === 0) return this.#rebound;
    const rebound = this.#rebound;
    this.#rebound = [];
    this.#isRebound.fill(0);
    return rebound;
  }

  done(index: number): number {
    return recordNumber(this.#words, index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.DONE);
  }

  failed(index: number): number {
    return recordNumber(this.#words, index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.FAILED);
  }

  buffer(index: number): Uint8Array | undefined {
    return this.#buffers[index];
  }

  /** The address of request `index`. */
  address(index: number): Address {
    const address = this.addresses[index] ?? 0;
    if (!Number.isNaN(address)) return address;
    const base = index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.ADDRESS;
    return BigInt(this.#words[base] ?? 0) | (BigInt(this.#words[base + 1] ?? 0) << 32n);
  }

  /** Records a request's outcome (memories implemented in TypeScript do; the shim writes its own). */
  setResult(index: number, done: number, failed: number): void {
    const base = index * TRANSFER_RECORD.WORDS;
    setRecordWord(this.#words, base + TRANSFER_RECORD.DONE, done);
    setRecordWord(this.#words, base + TRANSFER_RECORD.FAILED, failed);
  }
}

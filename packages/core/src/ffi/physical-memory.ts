/**
 * Physical memory access through a plugin's `PhysicalMemory` vtable, shared by connectors and
 * by OS instances that expose one. Reads and writes go through the native shim in batches: one
 * call from JavaScript per batch, per-request results, and an unmapped range is reported, not
 * thrown.
 */
import { type Pointer, ptr, read } from "bun:ffi";
import { MemflowError } from "../error.ts";
import { partialDataError, readWhole } from "../partial-data.ts";
import { METADATA, SHIM_REQUEST } from "./layouts.ts";
import { nativeShim } from "./shim.ts";

export type Address = number | bigint;

export interface PhysicalMemoryMetadata {
  readonly maxAddress: bigint;
  readonly realSize: bigint;
  readonly readonly: boolean;
  /** How many requests the connector likes per batch. */
  readonly idealBatchSize: number;
}

export interface TransferResult {
  /** Bytes transferred. */
  readonly done: number;
  /** Bytes the connector reported it could not transfer. */
  readonly failed: number;
  /** True when every byte was transferred. */
  readonly ok: boolean;
}

export interface ReadResult extends TransferResult {
  readonly address: bigint;
  /** The bytes read; parts that could not be read are zero. */
  readonly data: Uint8Array;
}

const TWO_32 = 0x1_0000_0000;

function batchError(message: string): MemflowError {
  return new MemflowError("Other", "InvalidArgument", message);
}
const MAX_EXACT = 2n ** 53n;

/** Splits an address into 32-bit halves without a BigInt when it fits a number. */
function setWord(words: Uint32Array, index: number, value: number | bigint): void {
  if (typeof value === "number") {
    words[index] = value >>> 0;
    words[index + 1] = Math.floor(value / TWO_32) >>> 0;
  } else {
    words[index] = Number(value & 0xffffffffn);
    words[index + 1] = Number((value >> 32n) & 0xffffffffn);
  }
}

/**
 * A reusable batch: fill requests with `set`, run it, read results. Reusing one batch avoids
 * allocating per call, which matters for many small reads.
 */
export class TransferBatch {
  readonly capacity: number;
  /**
   * Each request's address. Writing `batch.addresses[i] = address` directly is the fastest way
   * to re-point a request; addresses at or above 2^53 go through `set` (they are stored as NaN
   * here and in full beside the request).
   */
  readonly addresses: Float64Array;
  readonly #words: Uint32Array;
  readonly #pointers: number[];
  readonly #buffers: (Uint8Array | undefined)[];
  #count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.addresses = new Float64Array(capacity);
    this.#words = new Uint32Array(capacity * SHIM_REQUEST.WORDS);
    this.#pointers = new Array(capacity).fill(0);
    this.#buffers = new Array(capacity).fill(undefined);
  }

  get count(): number {
    return this.#count;
  }

  get requests(): Uint32Array {
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
    for (let index = 0; index < count; index += 1) {
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
    setWord(this.#words, index * SHIM_REQUEST.WORDS, address);
  }

  #bind(index: number, buffer: Uint8Array): void {
    if (this.#buffers[index] === buffer) return;
    const base = index * SHIM_REQUEST.WORDS;
    this.#buffers[index] = buffer;
    this.#pointers[index] = buffer.length === 0 ? 0 : ptr(buffer);
    setWord(this.#words, base + 2, this.#pointers[index] ?? 0);
    setWord(this.#words, base + 4, buffer.length);
  }

  done(index: number): number {
    const base = index * SHIM_REQUEST.WORDS;
    return (this.#words[base + 6] ?? 0) + (this.#words[base + 7] ?? 0) * TWO_32;
  }

  failed(index: number): number {
    const base = index * SHIM_REQUEST.WORDS;
    return (this.#words[base + 8] ?? 0) + (this.#words[base + 9] ?? 0) * TWO_32;
  }

  buffer(index: number): Uint8Array | undefined {
    return this.#buffers[index];
  }

  /** The address of request `index`. */
  address(index: number): Address {
    const address = this.addresses[index] ?? 0;
    if (!Number.isNaN(address)) return address;
    const base = index * SHIM_REQUEST.WORDS;
    return BigInt(this.#words[base] ?? 0) | (BigInt(this.#words[base + 1] ?? 0) << 32n);
  }

  /** Records a request's outcome (connectors implemented in TypeScript do; the shim writes its own). */
  setResult(index: number, done: number, failed: number): void {
    const base = index * SHIM_REQUEST.WORDS;
    setWord(this.#words, base + 6, done);
    setWord(this.#words, base + 8, failed);
  }
}

/** A live instance's PhysicalMemory vtable and container; `check()` throws once its owner ended. */
export interface PhysicalMemoryHandle {
  readonly vtable: Pointer;
  readonly container: Pointer;
  readonly label: string;
  /** Throws when the instance was closed or moved. */
  check(): void;
}

export class PhysicalMemoryAccess {
  readonly #handle: PhysicalMemoryHandle;
  readonly #shim = nativeShim();
  #scratch: TransferBatch | undefined;

  constructor(handle: PhysicalMemoryHandle) {
    this.#handle = handle;
  }

  metadata(): PhysicalMemoryMetadata {
    this.#handle.check();
    const { vtable, container } = this.#handle;
    const out = new Uint8Array(METADATA.SIZE);
    nativeShim().mf_metadata(vtable, container, out);
    const base = ptr(out);
    return {
      maxAddress: read.u64(base, METADATA.MAX_ADDRESS),
      realSize: read.u64(base, METADATA.REAL_SIZE),
      readonly: read.u8(base, METADATA.READONLY) !== 0,
      idealBatchSize: read.u32(base, METADATA.IDEAL_BATCH_SIZE),
    };
  }

  /** Reads into `buffer`; returns the bytes read (the rest could not be read and is left as it was). */
  readInto(address: Address, buffer: Uint8Array): number {
    const handle = this.#handle;
    handle.check();
    if (buffer.length === 0) return 0;
    const result = this.#shim.mf_read_into(handle.vtable, handle.container, address, buffer, buffer.length);
    if (result < 0)
      throw MemflowError.fromInt(
        Number(result),
        `reading ${buffer.length} bytes at 0x${address.toString(16)} from ${this.#handle.label}`,
      );
    return Number(result);
  }

  /** Reads `length` bytes; throws (PhysicalMemory, PartialData) unless every byte could be read. */
  read(address: Address, length: number): Uint8Array {
    return readWhole((at, buffer) => this.readInto(at, buffer), address, length, this.#handle.label);
  }

  /** Runs a prepared batch of reads (`write` false) or writes in one call. */
  run(batch: TransferBatch, write = false): void {
    const handle = this.#handle;
    handle.check();
    if (batch.count === 0) return;
    const shim = this.#shim;
    const call = write ? shim.mf_write : shim.mf_read;
    const result = call(handle.vtable, handle.container, batch.requests, batch.addresses, batch.count);
    if (result !== 0)
      throw MemflowError.fromInt(result, `${write ? "writing to" : "reading from"} ${this.#handle.label}`);
  }

  /** Reads every request in one batch; each reports what could be read instead of throwing. */
  readMany(requests: readonly { address: Address; length: number }[]): ReadResult[] {
    const batch = this.#batch(requests.length);
    const total = requests.reduce((sum, request) => sum + request.length, 0);
    const backing = new Uint8Array(total);
    let offset = 0;
    for (const request of requests) {
      batch.add(request.address, backing.subarray(offset, offset + request.length));
      offset += request.length;
    }
    this.run(batch);
    return requests.map((request, index) => {
      const done = batch.done(index);
      const failed = batch.failed(index);
      return {
        address: BigInt(request.address),
        data: batch.buffer(index) ?? new Uint8Array(0),
        done,
        failed,
        ok: done === request.length,
      };
    });
  }

  /** Writes `bytes` at `address`; throws (PhysicalMemory, PartialData) unless every byte was written. */
  write(address: Address, bytes: Uint8Array): void {
    const [result] = this.writeMany([{ address, data: bytes }]);
    if (result && !result.ok) {
      throw partialDataError("written to", result.done, bytes.length, address, this.#handle.label);
    }
  }

  writeMany(requests: readonly { address: Address; data: Uint8Array }[]): TransferResult[] {
    const batch = this.#batch(requests.length);
    for (const request of requests) batch.add(request.address, request.data);
    this.run(batch, true);
    return requests.map((request, index) => {
      const done = batch.done(index);
      return { done, failed: batch.failed(index), ok: done === request.data.length };
    });
  }

  #batch(count: number): TransferBatch {
    const batch =
      this.#scratch && this.#scratch.capacity >= count ? this.#scratch : new TransferBatch(Math.max(count, 16));
    this.#scratch = batch;
    batch.clear();
    return batch;
  }
}

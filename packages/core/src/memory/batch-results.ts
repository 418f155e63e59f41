/**
 * The results of one batched read or write, in columns (issue 19): one object per call, holding
 * every request's outcome in one request table and, for reads, every request's bytes back to back
 * in one buffer. Asking `done(i)`, `ok(i)` or for the bytes allocates nothing, so a batch of many
 * small reads costs about what the plugin costs; `result(i)` and the iterator give the per-request
 * objects of `readMany` when convenience matters more (decision 0016).
 *
 * The table is TransferBatch's record layout (address, data, length, done, failed), the one the
 * native shim reads and writes in place; a request's data field is `base + offset` of its bytes,
 * where `base` is wherever the running memory needs the buffer to be (its native address, or 0).
 */
import { MemflowError } from "../error.ts";
import type { Address } from "./address.ts";
import { TRANSFER_RECORD } from "./transfer-batch.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "./transfer-requests.ts";

const { WORDS, ADDRESS, DATA, LENGTH, DONE, FAILED } = TRANSFER_RECORD;
const TWO_32 = 0x1_0000_0000;
/** Addresses from here on do not fit a double exactly. */
const MAX_EXACT = 2 ** 53;
/** `result(i)` copies requests up to this long into an array of their own (cheaper than a view); longer ones are views. */
const SHORT = 32;

function outOfRange(index: number, count: number): MemflowError {
  return new MemflowError("Other", "InvalidArgument", `request ${index} is outside a batch of ${count}`);
}

/**
 * Where a memory needs a batch's buffer to be, for the data fields: a native memory's gives the
 * buffer's native address (taken once per batch), a TypeScript memory's gives 0 (plain offsets).
 */
export type BufferAddress = (buffer: Uint8Array) => number;

const OFFSETS: BufferAddress = () => 0;

/** Per-request outcomes of a batched transfer (writeBatch's result; readBatch's adds the bytes). */
export class TransferResults implements Iterable<TransferResult> {
  /** How many requests the batch had. */
  readonly count: number;
  /** @internal the request table, TRANSFER_RECORD's layout, which the memory fills in. */
  readonly records: Uint32Array;
  /** @internal the requests' bytes, back to back in request order. */
  readonly buffer: Uint8Array;

  /** Where the running memory finds `buffer` (0: the data fields hold plain offsets). */
  protected readonly base: number;

  /** @internal an empty table for `count` requests and `total` bytes (`place` fills it); see BufferAddress. */
  protected constructor(count: number, total: number, locate: BufferAddress) {
    this.count = count;
    this.records = new Uint32Array(count * WORDS);
    this.buffer = new Uint8Array(total);
    this.base = total === 0 ? 0 : locate(this.buffer);
  }

  /** Lays out request `index`: its address, and its `length` bytes at `offset` in the buffer. */
  protected place(index: number, address: Address, offset: number, length: number): void {
    const records = this.records;
    const record = index * WORDS;
    if (typeof address === "number" && address >= 0 && address < MAX_EXACT) {
      records[record + ADDRESS] = address >>> 0;
      records[record + ADDRESS + 1] = (address / TWO_32) >>> 0;
    } else {
      // Past 2^53 (or negative, which wraps as a u64 does): exact only as a bigint.
      const big = BigInt(address);
      records[record + ADDRESS] = Number(big & 0xffff_ffffn);
      records[record + ADDRESS + 1] = Number((big >> 32n) & 0xffff_ffffn);
    }
    const data = this.base + offset;
    records[record + DATA] = data >>> 0;
    records[record + DATA + 1] = (data / TWO_32) >>> 0;
    records[record + LENGTH] = length;
  }

  /** @internal records a request's outcome (memories written in TypeScript; the shim writes its own). */
  setResult(index: number, done: number, failed: number): void {
    const record = index * WORDS;
    this.records[record + DONE] = done >>> 0;
    this.records[record + DONE + 1] = Math.floor(done / TWO_32);
    this.records[record + FAILED] = failed >>> 0;
    this.records[record + FAILED + 1] = Math.floor(failed / TWO_32);
  }

  protected check(index: number): number {
    // One test for negative, fractional and NaN indices as well as those past the end.
    if (index >>> 0 !== index || index >= this.count) throw outOfRange(index, this.count);
    return index * WORDS;
  }

  /** Bytes of request `index` that were transferred. */
  done(index: number): number {
    const record = this.check(index);
    return (this.records[record + DONE] as number) + (this.records[record + DONE + 1] as number) * TWO_32;
  }

  /** Bytes of request `index` the memory reported it could not transfer. */
  failed(index: number): number {
    const record = this.check(index);
    return (this.records[record + FAILED] as number) + (this.records[record + FAILED + 1] as number) * TWO_32;
  }

  /** The length of request `index`. */
  length(index: number): number {
    return this.records[this.check(index) + LENGTH] as number;
  }

  /** True when every byte of request `index` was transferred. */
  ok(index: number): boolean {
    const records = this.records;
    const record = this.check(index);
    return (
      records[record + DONE] === records[record + LENGTH] && records[record + DONE + 1] === records[record + LENGTH + 1]
    );
  }

  /** True when every request was transferred whole. */
  allOk(): boolean {
    for (let index = 0; index < this.count; index += 1) if (!this.ok(index)) return false;
    return true;
  }

  /** The address of request `index`, exact (a bigint, as in ReadResult). */
  address(index: number): bigint {
    const record = this.check(index);
    const high = this.records[record + ADDRESS + 1] as number;
    const low = this.records[record + ADDRESS] as number;
    // One BigInt from a number where the address fits one (below 2^53), else from both halves.
    if (high < 0x20_0000) return BigInt(high * TWO_32 + low);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** Request `index`'s outcome as an object (`writeMany`'s shape). */
  transferResult(index: number): TransferResult {
    const done = this.done(index);
    return { done, failed: this.failed(index), ok: done === this.length(index) };
  }

  *[Symbol.iterator](): Iterator<TransferResult> {
    for (let index = 0; index < this.count; index += 1) yield this.transferResult(index);
  }

  /** @internal the layout of writes: each request's bytes copied into the batch's buffer. */
  /** The same outcomes in columns, from a memory that answers only with one TransferResult per request. */
  static fromWriteResults(requests: readonly WriteRequest[], answers: readonly TransferResult[]): TransferResults {
    const results = TransferResults.writes(requests);
    for (let index = 0; index < results.count; index += 1) {
      const answer = answers[index];
      results.setResult(index, answer?.done ?? 0, answer?.failed ?? (requests[index] as WriteRequest).data.length);
    }
    return results;
  }

  static writes(requests: readonly WriteRequest[], locate: BufferAddress = OFFSETS): TransferResults {
    let total = 0;
    for (const request of requests) total += request.data.length;
    const results = new TransferResults(requests.length, total, locate);
    const buffer = results.buffer;
    let offset = 0;
    for (let index = 0; index < requests.length; index += 1) {
      const { address, data } = requests[index] as WriteRequest;
      results.place(index, address, offset, data.length);
      if (data.length <= SHORT) for (let at = 0; at < data.length; at += 1) buffer[offset + at] = data[at] as number;
      else buffer.set(data, offset);
      offset += data.length;
    }
    return results;
  }
}

/**
 * The results of `readBatch`: per request `done(i)`, `failed(i)`, `ok(i)`, `address(i)`, and its
 * bytes at `offset(i)` in `bytes` (also `data(i)`, a view, and `view`, a DataView over them all).
 * Bytes that could not be read are zero.
 */
export class ReadResults extends TransferResults implements Iterable<ReadResult> {
  #view: DataView | undefined;

  /** @internal the layout of reads: a zeroed buffer for every request's bytes. */
  static reads(requests: readonly ReadRequest[], locate: BufferAddress = OFFSETS): ReadResults {
    let total = 0;
    for (const request of requests) total += request.length;
    const results = new ReadResults(requests.length, total, locate);
    let offset = 0;
    for (let index = 0; index < requests.length; index += 1) {
      const { address, length } = requests[index] as ReadRequest;
      results.place(index, address, offset, length);
      offset += length;
    }
    return results;
  }

  /** The same outcomes in columns, from a memory that answers only with one ReadResult per request. */
  static fromReadResults(requests: readonly ReadRequest[], answers: readonly ReadResult[]): ReadResults {
    const results = ReadResults.reads(requests);
    for (let index = 0; index < results.count; index += 1) {
      const answer = answers[index];
      if (answer === undefined) {
        results.setResult(index, 0, results.length(index));
        continue;
      }
      results.bytes.set(answer.data.subarray(0, results.length(index)), results.offset(index));
      results.setResult(index, answer.done, answer.failed);
    }
    return results;
  }

  /** Every request's bytes, back to back in request order: request `i`'s are at `offset(i)`. */
  get bytes(): Uint8Array {
    return this.buffer;
  }

  /** A DataView over `bytes`, for numbers: `results.view.getUint32(results.offset(i), true)`. */
  get view(): DataView {
    this.#view ??= new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    return this.#view;
  }

  /** Where request `index`'s bytes start in `bytes`. */
  offset(index: number): number {
    const record = this.check(index);
    // Offsets are below 2^32 (one buffer); an integer here keeps the caller's indexing into `bytes` integral, and fast.
    return ((this.records[record + DATA] as number) - this.base) >>> 0;
  }

  /** Request `index`'s bytes: a view into `bytes` (no copy). */
  data(index: number): Uint8Array {
    const offset = this.offset(index);
    return this.buffer.subarray(offset, offset + this.length(index));
  }

  /** Request `index`'s outcome as `readMany` gives it, its bytes in an array of their own when short. */
  result(index: number): ReadResult {
    const offset = this.offset(index);
    const length = this.length(index);
    const buffer = this.buffer;
    let data: Uint8Array;
    if (length <= SHORT) {
      // A small array and a short loop are cheaper than a view (subarray) in JavaScriptCore.
      data = new Uint8Array(length);
      for (let at = 0; at < length; at += 1) data[at] = buffer[offset + at] as number;
    } else {
      data = buffer.subarray(offset, offset + length);
    }
    const done = this.done(index);
    return { address: this.address(index), data, done, failed: this.failed(index), ok: done === length };
  }

  /** Every request's outcome as a ReadResult (as `readMany` returns them). */
  toArray(): ReadResult[] {
    const results = new Array<ReadResult>(this.count);
    for (let index = 0; index < this.count; index += 1) results[index] = this.result(index);
    return results;
  }

  override *[Symbol.iterator](): Iterator<ReadResult> {
    for (let index = 0; index < this.count; index += 1) yield this.result(index);
  }
}

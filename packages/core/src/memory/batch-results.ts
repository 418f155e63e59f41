/**
 * The results of one batched read or write, in columns (issue 19): one object per call, holding
 * every request's outcome in one request table and, for reads, every request's bytes back to back
 * in one buffer. Asking `done(i)`, `ok(i)` or for the bytes allocates nothing, so a batch of many
 * small reads costs about what the plugin costs; `result(i)` and the iterator give the per-request
 * objects of `readMany` when convenience matters more (decision 0016).
 *
 * The table is BATCH_RECORD's layout, the one the native shim reads and writes in place (its
 * BatchRecord): smaller than a TransferBatch record and without a pointer, because allocating
 * and filling the table is most of what a batched call costs in JavaScript (decision 0016).
 */
import { MemflowError } from "../error.ts";
import type { Address } from "./address.ts";
import type { BatchPool } from "./batch-pool.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "./transfer-requests.ts";
import { badLength, checkWriteRanges } from "./write-ranges.ts";

/**
 * One request of a batch, in 32-bit words: its address (a little-endian u64), where its bytes
 * start in the batch's buffer, its length, and the bytes done and failed. Offsets, lengths and
 * counts fit 32 bits because the whole buffer does (MAX_BATCH_BYTES).
 */
export const BATCH_RECORD = { WORDS: 6, ADDRESS: 0, OFFSET: 2, LENGTH: 3, DONE: 4, FAILED: 5 } as const;

const { WORDS, ADDRESS, OFFSET, LENGTH, DONE, FAILED } = BATCH_RECORD;
/** The most bytes one batch moves: its offsets and counts are u32. */
export const MAX_BATCH_BYTES = 0xffff_ffff;
const TWO_32 = 0x1_0000_0000;
/** 2^-32: multiplying by it is exact, and cheaper than dividing by 2^32. */
const BELOW_32 = 1 / TWO_32;
/** Addresses from here on do not fit a double exactly. */
const MAX_EXACT = 2 ** 53;
/** `result(i)` copies requests up to this long into an array of their own (cheaper than a view); longer ones are views. */
const SHORT = 32;

function outOfRange(index: number, count: number, disposed: boolean): MemflowError {
  if (disposed) {
    return new MemflowError(
      "Other",
      "InvalidArgument",
      "these batch results were disposed: read them before their `using` scope ends",
    );
  }
  return new MemflowError("Other", "InvalidArgument", `request ${index} is outside a batch of ${count}`);
}

function tooLarge(total: number): MemflowError {
  return new MemflowError("Other", "InvalidArgument", `a batch moves at most 4 GiB, not ${total} bytes`);
}

const EMPTY = new Uint8Array(0);

/**
 * Copies `length` bytes of `data` to `offset` in `buffer`. Short ones byte by byte, eight at a
 * time: measured in JavaScriptCore, `set()` costs ~20 ns a call and a plain byte loop ~5 ns for
 * 8 bytes, the unrolled one ~3 ns.
 */
function copyBytes(buffer: Uint8Array, offset: number, data: Uint8Array, length: number): void {
  if (length > SHORT) {
    buffer.set(data, offset);
    return;
  }
  let at = 0;
  for (; at + 8 <= length; at += 8) {
    const to = offset + at;
    buffer[to] = data[at] as number;
    buffer[to + 1] = data[at + 1] as number;
    buffer[to + 2] = data[at + 2] as number;
    buffer[to + 3] = data[at + 3] as number;
    buffer[to + 4] = data[at + 4] as number;
    buffer[to + 5] = data[at + 5] as number;
    buffer[to + 6] = data[at + 6] as number;
    buffer[to + 7] = data[at + 7] as number;
  }
  for (; at < length; at += 1) buffer[offset + at] = data[at] as number;
}

/** A request table of `count` requests: the memory's pool's, or a new one. */
function batchRecords(count: number, pool: BatchPool | undefined): Uint32Array {
  return pool === undefined ? new Uint32Array(count * WORDS) : pool.records(count * WORDS);
}

/**
 * A buffer for a batch's `total` bytes, which must fit its u32 offsets: a new one (zeroed), or
 * the pool's as it was (a native memory's: its shim zeroes what a read does not fill).
 */
function batchBuffer(total: number, pool: BatchPool | undefined): Uint8Array {
  if (!(total <= MAX_BATCH_BYTES)) throw tooLarge(total);
  return pool === undefined ? new Uint8Array(total) : pool.buffer(total);
}

/** An address past 2^53 (or negative, which wraps as a u64 does): exact only as a bigint. */
function placeBigAddress(records: Uint32Array, record: number, address: Address): void {
  const big = BigInt(address);
  records[record + ADDRESS] = Number(big & 0xffff_ffffn);
  records[record + ADDRESS + 1] = Number((big >> 32n) & 0xffff_ffffn);
}

/**
 * Fills a request table for reads, their bytes back to back; returns their total. One pass: the
 * table is filled while the total is summed, and the buffer allocated after. Each record is
 * written in the loop itself (writes' layout repeats it): measured in Bun 1.4.5, with the record
 * written by a helper JavaScriptCore did not inline it below `Connector.readBatch`, and bench/read.ts's
 * readBatch row (64 × 8 B, every byte read) took 36–49 ns a request instead of 20.
 */
function placeRequests(records: Uint32Array, requests: readonly ReadRequest[]): number {
  let offset = 0;
  for (let index = 0, record = 0; index < requests.length; index += 1, record += WORDS) {
    const request = requests[index] as ReadRequest;
    const address = request.address;
    const length = request.length;
    // A negative or fractional length would put the shim's u32 record past the buffer.
    if (length >>> 0 !== length) throw badLength(index, length);
    if (typeof address === "number" && address >= 0 && address < MAX_EXACT) {
      records[record + ADDRESS] = address >>> 0;
      records[record + ADDRESS + 1] = (address * BELOW_32) >>> 0;
    } else placeBigAddress(records, record, address);
    records[record + OFFSET] = offset;
    records[record + LENGTH] = length;
    offset += length;
  }
  return offset;
}

/** Per-request outcomes of a batched transfer (writeBatch's result; readBatch's adds the bytes). */
export class TransferResults implements Iterable<TransferResult>, Disposable {
  /** How many requests the batch had. */
  readonly count: number;
  /** @internal the request table, BATCH_RECORD's layout, which the memory fills in. */
  readonly records: Uint32Array;
  /** @internal the requests' bytes, back to back in request order. */
  readonly buffer: Uint8Array;
  /** Where the table and buffer go back once disposed (none: the garbage collector takes them). */
  readonly #pool: BatchPool | undefined;
  /** Requests that may be asked about: `count`, 0 once disposed (so `check` tests one number). */
  #readable: number;
  #disposed = false;
  /** Whether `buffer` is the caller's (writeBatchFrom's bytes): never handed to a later batch. */
  readonly #lent: boolean;

  /** @internal a laid-out request table (placeRequests) and its buffer (batchBuffer), from `pool` if given. */
  protected constructor(records: Uint32Array, buffer: Uint8Array, pool: BatchPool | undefined, lent = false) {
    this.count = records.length / WORDS;
    this.records = records;
    this.buffer = buffer;
    this.#pool = pool;
    this.#readable = this.count;
    this.#lent = lent;
  }

  /**
   * Hands the table and buffer back to the memory, for its next batch of the same size (`using
   * results = memory.readBatch(…)` does it at the end of the scope). Asking about a request
   * afterwards throws; views taken before (`bytes`, `view`, `data(i)`, and `result(i).data` of
   * requests longer than 32 bytes) may be overwritten by a later batch. Results never disposed
   * stay valid for good.
   */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#readable = 0;
    // The caller's bytes stay the caller's: the table goes back with no buffer, so a later batch takes a new one.
    this.#pool?.give(this.records, this.#lent ? EMPTY : this.buffer);
  }

  /** @internal the buffer, unless the results were disposed. */
  protected ownBuffer(): Uint8Array {
    if (this.#disposed) throw outOfRange(0, this.count, true);
    return this.buffer;
  }

  /** @internal records a request's outcome (memories written in TypeScript; the shim writes its own). */
  setResult(index: number, done: number, failed: number): void {
    const record = index * WORDS;
    // Never more than the request's length (u32) in a well-behaved memory; saturated as the shim does.
    this.records[record + DONE] = Math.min(done, MAX_BATCH_BYTES);
    this.records[record + FAILED] = Math.min(failed, MAX_BATCH_BYTES);
  }

  protected check(index: number): number {
    // One test for negative, fractional and NaN indices as well as those past the end.
    if (index >>> 0 !== index || index >= this.#readable) throw outOfRange(index, this.count, this.#disposed);
    return index * WORDS;
  }

  /** Bytes of request `index` that were transferred. */
  done(index: number): number {
    return this.records[this.check(index) + DONE] as number;
  }

  /** Bytes of request `index` the memory reported it could not transfer. */
  failed(index: number): number {
    return this.records[this.check(index) + FAILED] as number;
  }

  /** The length of request `index`. */
  length(index: number): number {
    return this.records[this.check(index) + LENGTH] as number;
  }

  /** True when every byte of request `index` was transferred. */
  ok(index: number): boolean {
    const record = this.check(index);
    return this.records[record + DONE] === this.records[record + LENGTH];
  }

  /** True when every request was transferred whole. */
  allOk(): boolean {
    if (this.#disposed) throw outOfRange(0, this.count, true);
    // The records read in one loop, without ok(i)'s check per request.
    const records = this.records;
    for (let record = 0; record < records.length; record += WORDS)
      if (records[record + DONE] !== records[record + LENGTH]) return false;
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

  /** The same outcomes in columns, from a memory that answers only with one TransferResult per request. */
  static fromWriteResults(requests: readonly WriteRequest[], answers: readonly TransferResult[]): TransferResults {
    const results = TransferResults.writes(requests);
    for (let index = 0; index < results.count; index += 1) {
      const answer = answers[index];
      results.setResult(index, answer?.done ?? 0, answer?.failed ?? (requests[index] as WriteRequest).data.length);
    }
    return results;
  }

  /**
   * @internal the layout of writes from one buffer (writeBatchFrom): request `i`'s bytes are the
   * next `length` of `bytes`, used where they are (no copy; the shim is handed `bytes`). Throws
   * (Other, InvalidArgument) before anything is written when they do not fit `bytes`.
   */
  static writesFrom(requests: readonly ReadRequest[], bytes: Uint8Array, pool?: BatchPool): TransferResults {
    const records = batchRecords(requests.length, pool);
    const total = placeRequests(records, requests);
    checkWriteRanges(requests, total, Math.min(bytes.length, MAX_BATCH_BYTES));
    // Nothing to write: no buffer, so no plugin is called (as for a batch of empty writes).
    return new TransferResults(records, total === 0 ? EMPTY : bytes, pool, true);
  }

  /**
   * @internal the layout of writes: each request's bytes copied into the batch's buffer. A reused
   * table comes with its last batch's buffer: when this batch's bytes fill it exactly (the same
   * writes again, the usual case) they are copied in the pass that fills the table, else a buffer
   * of their size is taken and they are copied in a second pass.
   */
  static writes(requests: readonly WriteRequest[], pool?: BatchPool): TransferResults {
    const records = batchRecords(requests.length, pool);
    let buffer = pool?.lastBuffer() ?? EMPTY;
    let total = 0;
    for (let index = 0, record = 0; index < requests.length; index += 1, record += WORDS) {
      const request = requests[index] as WriteRequest;
      const address = request.address;
      const data = request.data;
      const length = data.length;
      // As in placeRequests, written here rather than by a shared helper: see there.
      if (typeof address === "number" && address >= 0 && address < MAX_EXACT) {
        records[record + ADDRESS] = address >>> 0;
        records[record + ADDRESS + 1] = (address * BELOW_32) >>> 0;
      } else placeBigAddress(records, record, address);
      records[record + OFFSET] = total;
      records[record + LENGTH] = length;
      if (total + length <= buffer.length) copyBytes(buffer, total, data, length);
      total += length;
    }
    if (total !== buffer.length) {
      buffer = batchBuffer(total, undefined);
      for (let index = 0; index < requests.length; index += 1) {
        const data = (requests[index] as WriteRequest).data;
        copyBytes(buffer, records[index * WORDS + OFFSET] as number, data, data.length);
      }
    }
    return new TransferResults(records, buffer, pool);
  }
}

/**
 * The results of `readBatch`: per request `done(i)`, `failed(i)`, `ok(i)`, `address(i)`, and its
 * bytes at `offset(i)` in `bytes` (also `data(i)`, a view, and `view`, a DataView over them all).
 * Bytes that could not be read are zero.
 */
export class ReadResults extends TransferResults implements Iterable<ReadResult> {
  #view: DataView | undefined;

  /** @internal the layout of reads: a buffer for every request's bytes (zeroed, or from the pool: batchBuffer). */
  static reads(requests: readonly ReadRequest[], pool?: BatchPool): ReadResults {
    const records = batchRecords(requests.length, pool);
    return new ReadResults(records, batchBuffer(placeRequests(records, requests), pool), pool);
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
    return this.ownBuffer();
  }

  /** A DataView over `bytes`, for numbers: `results.view.getUint32(results.offset(i), true)`. */
  get view(): DataView {
    const buffer = this.ownBuffer();
    this.#view ??= new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    return this.#view;
  }

  /** Where request `index`'s bytes start in `bytes`. */
  offset(index: number): number {
    // A u32 (MAX_BATCH_BYTES): an integer here keeps the caller's indexing into `bytes` integral, and fast.
    return this.records[this.check(index) + OFFSET] as number;
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

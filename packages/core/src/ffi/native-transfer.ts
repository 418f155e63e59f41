/**
 * Reads and writes through a native plugin's vtable, physical (a connector's PhysicalMemory, or
 * an OS's) or virtual (a MemoryView: a process's memory, or an OS kernel's). Both go through the
 * shim in batches: one call from JavaScript per batch, TransferBatch records, per-request done
 * and failed counts, and a part that could not be transferred (an unmapped page) is reported,
 * never thrown. A view's unread parts are zero-filled. `read` and `write` throw
 * (origin, PartialData) when any byte was not transferred.
 */
import { type Pointer, ptr } from "bun:ffi";
import { decodePartialResult, type ErrorOrigin, MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { MemoryAccess, ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import { partialDataError } from "../memory/partial-data.ts";
import { setRecordWord, TRANSFER_RECORD, TransferBatch } from "../memory/transfer-batch.ts";
import { SHIM_TRANSFER } from "./layouts.ts";
import { SMALL_READS, SmallReads } from "./native-read-many.ts";
import { nativeShim } from "./shim.ts";

/** A live object's vtable and container; `check()` throws once the object may not be used. */
export interface TransferHandle {
  readonly vtable: Pointer;
  readonly container: Pointer;
  readonly label: string;
  /** The plugin's crash-report label (see plugin-label.ts). */
  readonly plugin: Pointer;
  /** Throws when the object was closed or moved (or its OS is lent out). */
  check(): void;
}

/** Writes where each newly bound buffer lives into its request record, for the shim to read. */
function bindBuffers(batch: TransferBatch): void {
  const records = batch.records;
  for (const index of batch.takeRebound()) {
    const buffer = batch.buffer(index);
    const address = buffer === undefined || buffer.length === 0 ? 0 : ptr(buffer);
    setRecordWord(records, index * TRANSFER_RECORD.WORDS + TRANSFER_RECORD.DATA, address);
  }
}

export abstract class NativeTransfer implements MemoryAccess {
  protected readonly handle: TransferHandle;
  readonly #shim = nativeShim();
  /** SHIM_TRANSFER.VIEW for virtual memory, else 0. */
  readonly #view: number;
  readonly #origin: ErrorOrigin;
  #scratch: TransferBatch | undefined;
  #small: SmallReads | undefined;

  protected constructor(handle: TransferHandle, kind: "physical" | "virtual") {
    this.handle = handle;
    this.#view = kind === "virtual" ? SHIM_TRANSFER.VIEW : 0;
    this.#origin = kind === "virtual" ? "VirtualMemory" : "PhysicalMemory";
  }

  /**
   * A plugin's result for a whole batch: an error, or nothing. memflow's partial-read and
   * partial-write codes are not errors: the per-request counts say what failed.
   */
  #failure(result: number, what: string): MemflowError | undefined {
    if (result === 0) return undefined;
    if (this.#view === 0) return MemflowError.fromInt(result, `${what} ${this.handle.label}`);
    const decoded = decodePartialResult(result);
    if (decoded.kind !== "error") return undefined;
    return MemflowError.fromInt(result, `${what} ${this.handle.label}`);
  }

  /** Reads into `buffer`; returns how many bytes from its start were read (a view zero-fills the rest it could not read). */
  readInto(address: Address, buffer: Uint8Array): number {
    const handle = this.handle;
    handle.check();
    if (buffer.length === 0) return 0;
    const result = this.#shim.mf_read_into(
      handle.vtable,
      handle.container,
      address,
      buffer,
      buffer.length,
      this.#view,
      handle.plugin,
    );
    if (result < 0) {
      const failure = this.#failure(result, `reading ${buffer.length} bytes at ${formatAddress(address)} from`);
      if (failure) throw failure;
    }
    return Math.max(0, Number(result));
  }

  /** Reads `length` bytes; throws (origin, PartialData) with the count of bytes that could not be read. */
  read(address: Address, length: number): Uint8Array {
    if (length === 0) {
      this.handle.check();
      return new Uint8Array(0);
    }
    const [result] = this.readMany([{ address, length }]);
    if (result === undefined || !result.ok)
      throw partialDataError("read from", result?.done ?? 0, length, address, this.handle.label, this.#origin);
    return result.data;
  }

  /** Runs a prepared batch of reads (`write` false) or writes in one call. */
  run(batch: TransferBatch, write = false): void {
    const handle = this.handle;
    handle.check();
    if (batch.count === 0) return;
    bindBuffers(batch);
    const how = (write ? SHIM_TRANSFER.WRITE : SHIM_TRANSFER.READ) | this.#view;
    const result = this.#shim.mf_transfer(
      handle.vtable,
      handle.container,
      batch.records,
      batch.addresses,
      batch.count,
      how,
      handle.plugin,
    );
    if (result === 0) return;
    const failure = this.#failure(result, write ? "writing to" : "reading from");
    if (failure) throw failure;
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    let total = 0;
    for (const request of requests) total += request.length;
    if (total <= SMALL_READS && requests.length > 0) return this.#readSmall(requests, total);
    const batch = this.#batch(requests.length);
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

  /** readMany of few bytes in all, through buffers kept across calls (native-read-many.ts). */
  #readSmall(requests: readonly ReadRequest[], total: number): ReadResult[] {
    const handle = this.handle;
    handle.check();
    const small = this.#small ?? new SmallReads();
    this.#small = small;
    small.prepare(requests, total);
    const result = this.#shim.mf_transfer(
      handle.vtable,
      handle.container,
      small.records,
      small.addresses,
      requests.length,
      SHIM_TRANSFER.READ | this.#view,
      handle.plugin,
    );
    if (result !== 0) {
      const failure = this.#failure(result, "reading from");
      if (failure) throw failure;
    }
    return small.results(requests);
  }

  write(address: Address, bytes: Uint8Array): void {
    const [result] = this.writeMany([{ address, data: bytes }]);
    if (result && !result.ok) {
      throw partialDataError("written to", result.done, bytes.length, address, this.handle.label, this.#origin);
    }
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
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

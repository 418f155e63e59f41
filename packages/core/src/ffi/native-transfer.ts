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
import { BatchPool } from "../memory/batch-pool.ts";
import { ReadResults, TransferResults } from "../memory/batch-results.ts";
import type { MemoryAccess, ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import { partialDataError } from "../memory/partial-data.ts";
import { setRecordWord, TRANSFER_RECORD, type TransferBatch } from "../memory/transfer-batch.ts";
import { SHIM_TRANSFER } from "./layouts.ts";
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
  /** Tables and buffers of disposed batch results, for the next batches (batch-pool.ts). */
  readonly #pool = new BatchPool();

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
    const results = this.readBatch([{ address, length }]);
    if (!results.ok(0))
      throw partialDataError("read from", results.done(0), length, address, this.handle.label, this.#origin);
    return results.bytes;
  }

  /** Runs a prepared batch of reads (`write` false) or writes in one call. */
  run(batch: TransferBatch, write = false): void {
    const handle = this.handle;
    handle.check();
    if (batch.count === 0) return;
    bindBuffers(batch);
    this.#transfer(batch.records, batch.addresses, batch.count, write);
  }

  /**
   * Reads every request in one call into one buffer (batch-results.ts): the fast shape of
   * batched reads, whatever their number or size. The table and buffer go to the shim as they
   * are; those of disposed results are reused (batch-pool.ts).
   */
  readBatch(requests: readonly ReadRequest[]): ReadResults {
    const results = ReadResults.reads(requests, this.#pool);
    this.#runResults(results, false);
    return results;
  }

  /** Writes every request in one call, their bytes gathered into one buffer first. */
  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    const results = TransferResults.writes(requests, this.#pool);
    this.#runResults(results, true);
    return results;
  }

  /** Writes every request from its range of `bytes` in one call, `bytes` handed to the shim as they are (write-ranges.ts). */
  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    const results = TransferResults.writesFrom(requests, bytes, this.#pool);
    this.#runResults(results, true);
    return results;
  }

  /** readBatch, as one object per request (the convenient shape; see decision 0016 for its cost). */
  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return this.readBatch(requests).toArray();
  }

  write(address: Address, bytes: Uint8Array): void {
    using results = this.writeBatch([{ address, data: bytes }]);
    if (bytes.length > 0 && !results.ok(0)) {
      throw partialDataError("written to", results.done(0), bytes.length, address, this.handle.label, this.#origin);
    }
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    using results = this.writeBatch(requests);
    return [...results];
  }

  /** One call of the shim over a batch laid out by batch-results.ts. */
  #runResults(results: TransferResults, write: boolean): void {
    const handle = this.handle;
    handle.check();
    // Nothing to move (no requests, or only empty ones): each is complete, and no plugin sees a null buffer.
    // Otherwise `results` keeps its buffer reachable, so the address its records hold stays valid.
    if (results.buffer.length === 0) return;
    // The shim takes the records and the buffer as they are; where the buffer lives is bun:ffi's to pass.
    const result = this.#shim.mf_transfer_records(
      handle.vtable,
      handle.container,
      results.records,
      results.buffer,
      results.count,
      this.#how(write),
      handle.plugin,
    );
    if (result === 0) return;
    const failure = this.#failure(result, write ? "writing to" : "reading from");
    if (failure) throw failure;
  }

  /** The shim's `how` for a read or a write of this memory (transfer.h's TRANSFER_*). */
  #how(write: boolean): number {
    return (write ? SHIM_TRANSFER.WRITE : SHIM_TRANSFER.READ) | this.#view;
  }

  /** One call of the shim: `count` requests of TRANSFER_RECORD's layout, their addresses as doubles. */
  #transfer(records: Uint32Array, addresses: Float64Array | null, count: number, write: boolean): void {
    const handle = this.handle;
    const result = this.#shim.mf_transfer(
      handle.vtable,
      handle.container,
      records,
      addresses,
      count,
      this.#how(write),
      handle.plugin,
    );
    if (result === 0) return;
    const failure = this.#failure(result, write ? "writing to" : "reading from");
    if (failure) throw failure;
  }
}

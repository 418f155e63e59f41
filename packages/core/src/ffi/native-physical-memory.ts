/**
 * Physical memory through a native plugin's `PhysicalMemory` vtable, shared by connectors and by
 * OS instances that expose one. Reads and writes go through the shim in batches: one call from
 * JavaScript per batch, per-request results, and an unmapped range is reported, not thrown.
 */
import { type Pointer, ptr, read } from "bun:ffi";
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import { partialDataError, readWhole } from "../memory/partial-data.ts";
import type { PhysicalMemory, PhysicalMemoryMetadata } from "../memory/physical-memory.ts";
import { setRecordWord, TRANSFER_RECORD, TransferBatch } from "../memory/transfer-batch.ts";
import { METADATA } from "./layouts.ts";
import { nativeShim } from "./shim.ts";

/** A live instance's PhysicalMemory vtable and container; `check()` throws once its owner ended. */
export interface PhysicalMemoryHandle {
  readonly vtable: Pointer;
  readonly container: Pointer;
  readonly label: string;
  /** The plugin's crash-report label (see plugin-label.ts). */
  readonly plugin: Pointer;
  /** Throws when the instance was closed or moved. */
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

export class NativePhysicalMemory implements PhysicalMemory {
  readonly #handle: PhysicalMemoryHandle;
  readonly #shim = nativeShim();
  #scratch: TransferBatch | undefined;

  constructor(handle: PhysicalMemoryHandle) {
    this.#handle = handle;
  }

  metadata(): PhysicalMemoryMetadata {
    this.#handle.check();
    const { vtable, container, plugin } = this.#handle;
    const out = new Uint8Array(METADATA.SIZE);
    this.#shim.mf_metadata(vtable, container, out, plugin);
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
    const result = this.#shim.mf_read_into(
      handle.vtable,
      handle.container,
      address,
      buffer,
      buffer.length,
      handle.plugin,
    );
    if (result < 0)
      throw MemflowError.fromInt(
        Number(result),
        `reading ${buffer.length} bytes at ${formatAddress(address)} from ${handle.label}`,
      );
    return Number(result);
  }

  read(address: Address, length: number): Uint8Array {
    return readWhole((at, buffer) => this.readInto(at, buffer), address, length, this.#handle.label);
  }

  /** Runs a prepared batch of reads (`write` false) or writes in one call. */
  run(batch: TransferBatch, write = false): void {
    const handle = this.#handle;
    handle.check();
    if (batch.count === 0) return;
    bindBuffers(batch);
    const shim = this.#shim;
    const call = write ? shim.mf_write : shim.mf_read;
    const result = call(handle.vtable, handle.container, batch.records, batch.addresses, batch.count, handle.plugin);
    if (result !== 0) throw MemflowError.fromInt(result, `${write ? "writing to" : "reading from"} ${handle.label}`);
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
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

  write(address: Address, bytes: Uint8Array): void {
    const [result] = this.writeMany([{ address, data: bytes }]);
    if (result && !result.ok) {
      throw partialDataError("written to", result.done, bytes.length, address, this.#handle.label);
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

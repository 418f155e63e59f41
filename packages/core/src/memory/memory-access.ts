/**
 * Reads and writes, whatever the memory is: what physical memory (a connector) and a memory view
 * (a process's virtual memory) both offer. A single read or write throws unless every byte was
 * transferred; the batched forms report per request what could be transferred instead.
 */
import type { Address } from "./address.ts";
import type { ReadResults, TransferResults } from "./batch-results.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "./transfer-requests.ts";

export type { ReadRequest, ReadResult, TransferResult, WriteRequest };

export interface MemoryAccess {
  /** Reads `length` bytes; throws (…, PartialData) unless every byte could be read. */
  read(address: Address, length: number): Uint8Array;
  /** Reads into `buffer`; returns how many bytes from its start were read. */
  readInto(address: Address, buffer: Uint8Array): number;
  /**
   * Reads every request in one batch into one buffer; per request `ok(i)`, `done(i)`, `failed(i)`
   * and its bytes at `offset(i)` of `bytes` (zero where nothing could be read). The fast shape.
   */
  readBatch(requests: readonly ReadRequest[]): ReadResults;
  /**
   * Reads items of one size: item `i`, `length` bytes at `addresses[i]`, at `offset(i)` = `i ×
   * length` of `bytes`, as readBatch's results (a native memory's shim lays them out, with nothing
   * done per item in JavaScript). Throws (Other, InvalidArgument) unless `length` is a positive
   * u32 and the items together are at most 4 GiB.
   */
  readEach(addresses: BigUint64Array, length: number): ReadResults;
  /** readBatch as one ReadResult per request (each reports what could be read instead of throwing). */
  readMany(requests: readonly ReadRequest[]): ReadResult[];
  /** Writes `bytes`; throws (…, PartialData) unless every byte was written. */
  write(address: Address, bytes: Uint8Array): void;
  /** Writes every request in one batch; per request `ok(i)`, `done(i)`, `failed(i)`. The fast shape. */
  writeBatch(requests: readonly WriteRequest[]): TransferResults;
  /**
   * writeBatch for bytes already in one buffer: request `i` writes the next `length` bytes of
   * `bytes` (back to back, as readBatch's results lie). The fast shape of batched writes: a native
   * memory hands `bytes` to the plugin as they are, without copying. Throws (Other,
   * InvalidArgument) before writing anything when the requests' lengths exceed `bytes`.
   */
  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults;
  /**
   * Writes items of one size: item `i`, `bytes[i × length, (i + 1) × length)`, at `addresses[i]`.
   * The fastest batched write: a native memory hands the addresses and the bytes to the plugin's
   * shim as they are, with nothing done per item in JavaScript. Per item `ok(i)`, `done(i)`,
   * `failed(i)`, as writeBatch's. Throws (Other, InvalidArgument) before writing anything unless
   * `length` is a positive u32 and `bytes.length` is `addresses.length × length` (at most 4 GiB).
   */
  writeEach(addresses: BigUint64Array, length: number, bytes: Uint8Array): TransferResults;
  /** writeBatch as one TransferResult per request. */
  writeMany(requests: readonly WriteRequest[]): TransferResult[];
}

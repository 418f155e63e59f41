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
  /** writeBatch as one TransferResult per request. */
  writeMany(requests: readonly WriteRequest[]): TransferResult[];
}

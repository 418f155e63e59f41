/**
 * Items of one size at addresses in a typed array (`writeEach(addresses, length, bytes)`): item
 * `i` writes `bytes[i × length, (i + 1) × length)` at `addresses[i]`. Nothing is read per item
 * in JavaScript: a native memory hands the addresses and the bytes to the shim, which lays the
 * batch's records out itself (decision 0022, "Each"); memories written in TypeScript build the
 * equivalent writeBatchFrom requests.
 */
import { MemflowError } from "../error.ts";
import { MAX_BATCH_BYTES, type TransferResults } from "./batch-results.ts";
import type { ReadRequest } from "./transfer-requests.ts";

function refused(why: string): MemflowError {
  return new MemflowError("Other", "InvalidArgument", `writeEach refused: ${why}`);
}

/**
 * Throws (Other, InvalidArgument) unless `length` is a positive u32 and `bytes` holds exactly
 * `addresses.length` items of it, at most MAX_BATCH_BYTES: checked before anything is written
 * (the shim reads `addresses` and `bytes` as far as these say).
 */
export function checkEach(addresses: BigUint64Array, length: number, bytes: Uint8Array): void {
  // A plain array or another typed array would have the shim read past what it holds.
  if (!(addresses instanceof BigUint64Array)) throw refused("the addresses must be a BigUint64Array");
  if (length >>> 0 !== length || length === 0)
    throw refused(`an item's length must be a whole number from 1 to 2^32 - 1, not ${length}`);
  const total = addresses.length * length;
  if (total > MAX_BATCH_BYTES) throw refused(`a batch moves at most 4 GiB, not ${total} bytes`);
  if (bytes.length !== total)
    throw refused(`${addresses.length} items of ${length} bytes need ${total} bytes, not the ${bytes.length} given`);
}

/** The writeBatchFrom requests that write the same (memories written in TypeScript). */
export function eachRequests(addresses: BigUint64Array, length: number): ReadRequest[] {
  return Array.from(addresses, (address) => ({ address, length }));
}

/**
 * writeEach through a memory's writeBatchFrom (memories written in TypeScript: one batch, as
 * theirs), every bound checked first.
 */
export function writeEachFrom(
  memory: { writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults },
  addresses: BigUint64Array,
  length: number,
  bytes: Uint8Array,
): TransferResults {
  checkEach(addresses, length, bytes);
  return memory.writeBatchFrom(eachRequests(addresses, length), bytes);
}

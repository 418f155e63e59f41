/**
 * Items of one size at addresses in a typed array: `writeEach(addresses, length, bytes)` writes
 * item `i`, `bytes[i × length, (i + 1) × length)`, at `addresses[i]`, and `readEach(addresses,
 * length)` reads them into one buffer laid out alike. Nothing is read per item in JavaScript: a
 * native memory hands the addresses (and bytes) to the shim, which lays the batch's records out
 * itself (transfer-each.h, decision 0022, "Each"); memories written in TypeScript build the
 * equivalent writeBatchFrom and readBatch requests.
 */
import { MemflowError } from "../error.ts";
import { MAX_BATCH_BYTES, type ReadResults, type TransferResults } from "./batch-results.ts";
import type { ReadRequest } from "./transfer-requests.ts";

function refused(what: string, why: string): MemflowError {
  return new MemflowError("Other", "InvalidArgument", `${what} refused: ${why}`);
}

/**
 * Throws (Other, InvalidArgument) unless `addresses` is a BigUint64Array and `length` a positive
 * u32 whose items together are at most MAX_BATCH_BYTES; returns their total. The shim reads
 * `addresses` as far as these say.
 */
export function checkItems(what: string, addresses: BigUint64Array, length: number): number {
  // A plain array or another typed array would have the shim read past what it holds.
  if (!(addresses instanceof BigUint64Array)) throw refused(what, "the addresses must be a BigUint64Array");
  if (length >>> 0 !== length || length === 0)
    throw refused(what, `an item's length must be a whole number from 1 to 2^32 - 1, not ${length}`);
  const total = addresses.length * length;
  if (total > MAX_BATCH_BYTES) throw refused(what, `a batch moves at most 4 GiB, not ${total} bytes`);
  return total;
}

/** checkItems, and `bytes` must hold exactly the items: checked before anything is written. */
export function checkEach(addresses: BigUint64Array, length: number, bytes: Uint8Array): void {
  const total = checkItems("writeEach", addresses, length);
  if (bytes.length !== total)
    throw refused(
      "writeEach",
      `${addresses.length} items of ${length} bytes need ${total} bytes, not the ${bytes.length} given`,
    );
}

/** The readBatch / writeBatchFrom requests of the same items (memories written in TypeScript). */
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

/** readEach through a memory's readBatch (memories written in TypeScript), every bound checked first. */
export function readEachFrom(
  memory: { readBatch(requests: readonly ReadRequest[]): ReadResults },
  addresses: BigUint64Array,
  length: number,
): ReadResults {
  checkItems("readEach", addresses, length);
  return memory.readBatch(eachRequests(addresses, length));
}

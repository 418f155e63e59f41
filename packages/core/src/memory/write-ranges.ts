/**
 * Writes whose bytes already lie back to back in one buffer (`writeBatchFrom(requests, bytes)`):
 * request `i` writes the `length` bytes of `bytes` that follow request `i - 1`'s, the layout
 * readBatch's results have. A native memory hands `bytes` to the shim as they are (decision
 * 0022, "Writes"); memories written in TypeScript write each request's range of it.
 */
import { MemflowError } from "../error.ts";
import type { ReadRequest, WriteRequest } from "./transfer-requests.ts";

/** A request whose length is not a u32: it would point a batch record past its buffer. */
export function badLength(index: number, length: number): MemflowError {
  return new MemflowError(
    "Other",
    "InvalidArgument",
    `request ${index} asks for ${length} bytes: a length is a whole number from 0 to 2^32 - 1`,
  );
}

/**
 * Throws (Other, InvalidArgument) unless requests of these lengths (`total` together), back to
 * back, fit the `length` bytes they are written from: checked before anything is written.
 */
export function checkWriteRanges(requests: readonly ReadRequest[], total: number, length: number): void {
  if (total <= length) return;
  throw new MemflowError(
    "Other",
    "InvalidArgument",
    `${requests.length} writes of ${total} bytes back to back do not fit the ${length} bytes given: ` +
      "the requests' lengths together must not exceed the bytes",
  );
}

/** Each request with its range of `bytes` (views, no copy), every range checked before any is used. */
export function sliceWriteRanges(requests: readonly ReadRequest[], bytes: Uint8Array): WriteRequest[] {
  let total = 0;
  for (const [index, { length }] of requests.entries()) {
    if (length >>> 0 !== length) throw badLength(index, length);
    total += length;
  }
  checkWriteRanges(requests, total, bytes.length);
  let offset = 0;
  return requests.map(({ address, length }) => {
    const data = bytes.subarray(offset, offset + length);
    offset += length;
    return { address, data };
  });
}

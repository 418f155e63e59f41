/**
 * The error every memory gives when only part of a range could be transferred, worded the same
 * whichever implementation (a native plugin, a TypeScript connector) it came from.
 */
import { type ErrorOrigin, MemflowError } from "../error.ts";
import { type Address, formatAddress } from "./address.ts";

export function partialDataError(
  direction: "read from" | "written to",
  done: number,
  length: number,
  address: Address,
  source: string,
  origin: ErrorOrigin = "PhysicalMemory",
): MemflowError {
  return new MemflowError(
    origin,
    "PartialData",
    `${length - done} of ${length} bytes at ${formatAddress(address)} could not be ${direction} ${source}`,
  );
}

/** `read` in terms of `readInto`: the whole range, or the PartialData error. */
export function readWhole(
  readInto: (address: Address, buffer: Uint8Array) => number,
  address: Address,
  length: number,
  source: string,
): Uint8Array {
  const buffer = new Uint8Array(length);
  const done = readInto(address, buffer);
  if (done !== length) throw partialDataError("read from", done, length, address, source);
  return buffer;
}

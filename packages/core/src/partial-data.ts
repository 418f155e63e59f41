/**
 * The error every connector gives when only part of a range could be transferred, worded the
 * same whichever kind of connector (native or TypeScript) it came from.
 */
import { MemflowError } from "./error.ts";
import type { Address } from "./ffi/physical-memory.ts";

export function partialDataError(
  direction: "read from" | "written to",
  done: number,
  length: number,
  address: Address,
  source: string,
): MemflowError {
  return new MemflowError(
    "PhysicalMemory",
    "PartialData",
    `${length - done} of ${length} bytes at 0x${address.toString(16)} could not be ${direction} ${source}`,
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

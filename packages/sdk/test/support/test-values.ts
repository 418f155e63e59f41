/**
 * Helpers the SDK's tests share that have no set-up of their own (support/dummy-os-inventory.ts
 * builds plugins and removes them after the file that first imports it, so a test file that only
 * wants these imports them from here).
 */
import { MemflowError } from "@memflow-ts/core";

/** The MemflowError `run` throws; anything else (or nothing) fails the test. */
export function errorOf(run: () => unknown): MemflowError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (caught instanceof MemflowError) return caught;
  throw new Error(`expected a MemflowError, got ${String(caught)}`);
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

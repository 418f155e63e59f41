/**
 * TransferBatch.use: making the first requests the batch after writing their addresses directly,
 * as the page walker does for every table level.
 */
import { expect, test } from "bun:test";
import { MemflowError, TransferBatch } from "../src/index.ts";

function useError(batch: TransferBatch, count: number): MemflowError | undefined {
  try {
    batch.use(count);
  } catch (error) {
    if (error instanceof MemflowError) return error;
    throw error;
  }
  return undefined;
}

test("use takes requests that have buffers and refuses one that has none, wherever it is", () => {
  const batch = new TransferBatch(4);
  batch.add(0x1000, new Uint8Array(8));
  batch.set(2, 0x3000, new Uint8Array(8)); // request 1 still has no buffer
  expect(useError(batch, 1)).toBeUndefined();
  expect(batch.count).toBe(1);
  expect(useError(batch, 3)?.message).toContain("request 1 has no buffer yet");
  batch.set(1, 0x2000, new Uint8Array(8));
  batch.addresses[2] = 0x5000;
  expect(useError(batch, 3)).toBeUndefined();
  expect(batch.count).toBe(3);
  expect(batch.address(2)).toBe(0x5000);
  expect(useError(batch, 4)?.message).toContain("request 3 has no buffer yet");
  expect(useError(batch, 5)?.kind).toBe("InvalidArgument");
});

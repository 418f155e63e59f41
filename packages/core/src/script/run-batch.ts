/**
 * A reusable batch over a memory that transfers one range at a time: what TypeScript plugins'
 * memories (a connector's, a process's) do with `run`, each request's result recorded in the batch.
 */
import type { Address } from "../memory/address.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";

/** Moves one range; returns how many bytes from its start were transferred. */
export type TransferOne = (address: Address, buffer: Uint8Array) => number;

export function runBatch(batch: TransferBatch, transfer: TransferOne): void {
  for (let index = 0; index < batch.count; index += 1) {
    const buffer = batch.buffer(index) ?? new Uint8Array(0);
    const done = transfer(batch.address(index), buffer);
    batch.setResult(index, done, buffer.length - done);
  }
}

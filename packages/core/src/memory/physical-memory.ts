/**
 * memflow's `PhysicalMemory`: what a connector offers, and what an OS may expose of the memory
 * under it.
 */
import type { MemoryAccess } from "./memory-access.ts";

/** memflow's `PhysicalMemoryMetadata`. */
export interface PhysicalMemoryMetadata {
  readonly maxAddress: bigint;
  readonly realSize: bigint;
  readonly readonly: boolean;
  /** How many requests the memory likes per batch. */
  readonly idealBatchSize: number;
}

export interface PhysicalMemory extends MemoryAccess {
  metadata(): PhysicalMemoryMetadata;
}

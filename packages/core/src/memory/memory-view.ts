/**
 * memflow's `MemoryView`: memory seen through an address space, such as a process's virtual
 * memory or an OS kernel's. Same reads and writes as physical memory; its metadata also says how
 * to interpret the bytes.
 */
import type { MemoryAccess } from "./memory-access.ts";

/** memflow's `MemoryViewMetadata`. */
export interface MemoryViewMetadata {
  readonly maxAddress: bigint;
  readonly realSize: bigint;
  readonly readonly: boolean;
  readonly littleEndian: boolean;
  /** 32 or 64: the width of a pointer in this address space. */
  readonly archBits: number;
}

export interface MemoryView extends MemoryAccess {
  metadata(): MemoryViewMetadata;
}

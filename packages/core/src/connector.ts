/**
 * What every connector offers, whether a native plugin created it or a TypeScript definition
 * registered with the inventory did.
 */
import type {
  Address,
  PhysicalMemoryMetadata,
  ReadResult,
  TransferBatch,
  TransferResult,
} from "./ffi/physical-memory.ts";

/**
 * Physical memory reads and writes: what a connector offers, and what an OS instance exposes of
 * the memory under it (valid while the OS is open).
 */
export interface PhysicalMemoryView {
  metadata(): PhysicalMemoryMetadata;
  /** Reads `length` bytes; throws (PhysicalMemory, PartialData) unless every byte could be read. */
  read(address: Address, length: number): Uint8Array;
  /** Reads into `buffer`; returns how many bytes from its start were read. */
  readInto(address: Address, buffer: Uint8Array): number;
  /** Reads every request in one batch; each reports what could be read instead of throwing. */
  readMany(requests: readonly { address: Address; length: number }[]): ReadResult[];
  /** Writes `bytes`; throws (PhysicalMemory, PartialData) unless every byte was written. */
  write(address: Address, bytes: Uint8Array): void;
  writeMany(requests: readonly { address: Address; data: Uint8Array }[]): TransferResult[];
}

export interface Connector extends PhysicalMemoryView, Disposable {
  readonly name: string;
  /** `native` for a plugin library, `builtin` for a registered TypeScript connector. */
  readonly origin: "native" | "builtin";
  /** True once closed, or moved into another plugin. */
  readonly closed: boolean;
  /** Runs a reusable batch of reads (or writes) in one call. */
  run(batch: TransferBatch, write?: boolean): void;
  /** Another handle on the connector; close each separately. */
  clone(): Connector;
  close(): void;
}

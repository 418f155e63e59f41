/**
 * What every connector offers, whether a native plugin created it or a TypeScript definition
 * registered with the inventory did.
 */
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";

export interface Connector extends PhysicalMemory, Disposable {
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

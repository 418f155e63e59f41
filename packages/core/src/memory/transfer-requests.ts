/**
 * What a batched read or write asks for and what each request gives back as an object (readMany,
 * writeMany). Apart from memory-access.ts so that batch-results.ts, which that file returns, can
 * use them without an import cycle.
 */
import type { Address } from "./address.ts";

export interface ReadRequest {
  readonly address: Address;
  readonly length: number;
}

export interface WriteRequest {
  readonly address: Address;
  readonly data: Uint8Array;
}

export interface TransferResult {
  /** Bytes transferred. */
  readonly done: number;
  /** Bytes the memory reported it could not transfer. */
  readonly failed: number;
  /** True when every byte was transferred. */
  readonly ok: boolean;
}

export interface ReadResult extends TransferResult {
  readonly address: bigint;
  /** The bytes read; parts that could not be read are zero. */
  readonly data: Uint8Array;
}

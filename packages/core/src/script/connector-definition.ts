/**
 * Connectors written in TypeScript: a definition with memflow's descriptor fields and a
 * `create` that returns the connector's memory. Registered with `inventory.register(...)`, such
 * a connector is found, started and chained by name like a native plugin.
 */
import type { ConnectorArgs } from "../args/connector-args.ts";
import type { ArgsValidator } from "../args/validator.ts";

/** The memory a TypeScript connector provides. */
export interface ScriptMemory {
  metadata(): {
    readonly realSize: bigint | number;
    /** Default: realSize - 1. */
    readonly maxAddress?: bigint | number;
    /** Default: true when there is no `write`. */
    readonly readonly?: boolean;
    /** Default: 2^32 - 1 (any batch size). */
    readonly idealBatchSize?: number;
  };
  /** Fills `buffer` from `address`; returns how many bytes from its start were read. */
  read(address: bigint, buffer: Uint8Array): number;
  /** Writes `data` at `address`; returns how many bytes from its start were written. */
  write?(address: bigint, data: Uint8Array): number;
  /** An independent copy; without it, clones share this memory. */
  clone?(): ScriptMemory;
  /** Called once, when the last handle on this memory closes. */
  close?(): void;
}

export interface ConnectorDefinition {
  /** The name it is found by (letters, digits, `_`). */
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** Help text, as `connectorHelp` returns it. */
  readonly help?: string;
  /** Checked against the extra arguments before `create`. */
  readonly args?: ArgsValidator;
  /** The targets `connectorTargetList` returns. */
  targets?(): string[];
  create(args: ConnectorArgs): ScriptMemory;
}

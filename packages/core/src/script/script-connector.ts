/**
 * A connector backed by a TypeScript definition. It behaves like a native connector: the same
 * reads, writes, batches, clone and close, with failures reported per request.
 */
import { type ConnectorArgs, connectorArgs } from "../args/connector-args.ts";
import { MemflowError } from "../error.ts";
import type { Address } from "../memory/address.ts";
import { ReadResults, TransferResults } from "../memory/batch-results.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import { partialDataError, readWhole } from "../memory/partial-data.ts";
import type { PhysicalMemoryMetadata } from "../memory/physical-memory.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";
import { sliceWriteRanges } from "../memory/write-ranges.ts";
import type { Connector } from "../plugin/connector.ts";
import { authorError } from "./author-code.ts";
import type { ConnectorDefinition, ScriptMemory } from "./connector-definition.ts";
import { runBatch } from "./run-batch.ts";

/** Handles on one memory: it closes when the last of them does. */
interface Shared {
  memory: ScriptMemory;
  handles: number;
}

function wrapError(error: unknown, what: string): MemflowError {
  return authorError(error, "Connector", what);
}

export class ScriptConnector implements Connector {
  readonly name: string;
  readonly origin = "builtin" as const;
  readonly #shared: Shared;
  #closed = false;

  private constructor(name: string, shared: Shared) {
    this.name = name;
    this.#shared = shared;
  }

  /** Validates the arguments, then calls the definition's `create`. */
  static create(definition: ConnectorDefinition, args: ConnectorArgs = connectorArgs()): ScriptConnector {
    definition.args?.validate(args.extraArgs);
    let memory: ScriptMemory;
    try {
      memory = definition.create(args);
    } catch (error) {
      throw wrapError(error, `connector ${definition.name} failed to start`);
    }
    return new ScriptConnector(definition.name, { memory, handles: 1 });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #memory(): ScriptMemory {
    if (this.#closed) throw new MemflowError("Ffi", "Uninitialized", `connector ${this.name} was closed`);
    return this.#shared.memory;
  }

  metadata(): PhysicalMemoryMetadata {
    const memory = this.#memory();
    const metadata = memory.metadata();
    const realSize = BigInt(metadata.realSize);
    return {
      maxAddress: metadata.maxAddress === undefined ? realSize - 1n : BigInt(metadata.maxAddress),
      realSize,
      readonly: metadata.readonly ?? memory.write === undefined,
      idealBatchSize: metadata.idealBatchSize ?? 0xffffffff,
    };
  }

  readInto(address: Address, buffer: Uint8Array): number {
    const memory = this.#memory();
    try {
      return Math.max(0, Math.min(buffer.length, memory.read(BigInt(address), buffer)));
    } catch (error) {
      throw wrapError(error, `reading from connector ${this.name}`);
    }
  }

  read(address: Address, length: number): Uint8Array {
    return readWhole((at, buffer) => this.readInto(at, buffer), address, length, `connector ${this.name}`);
  }

  /** Every request read into one buffer (batch-results.ts), one `read` of the definition each. */
  readBatch(requests: readonly ReadRequest[]): ReadResults {
    this.#memory();
    const results = ReadResults.reads(requests);
    const bytes = results.bytes;
    for (let index = 0; index < results.count; index += 1) {
      const offset = results.offset(index);
      const length = results.length(index);
      const done = this.readInto((requests[index] as ReadRequest).address, bytes.subarray(offset, offset + length));
      results.setResult(index, done, length - done);
    }
    return results;
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return this.readBatch(requests).toArray();
  }

  #writeInto(address: Address, data: Uint8Array): number {
    const memory = this.#memory();
    if (!memory.write) return 0;
    try {
      return Math.max(0, Math.min(data.length, memory.write(BigInt(address), data)));
    } catch (error) {
      throw wrapError(error, `writing to connector ${this.name}`);
    }
  }

  write(address: Address, bytes: Uint8Array): void {
    const done = this.#writeInto(address, bytes);
    if (done !== bytes.length) {
      throw partialDataError("written to", done, bytes.length, address, `connector ${this.name}`);
    }
  }

  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    this.#memory();
    const results = TransferResults.writes(requests);
    for (const [index, { address, data }] of requests.entries()) {
      const done = this.#writeInto(address, data);
      results.setResult(index, done, data.length - done);
    }
    return results;
  }

  /** writeBatch of each request's range of `bytes` (write-ranges.ts), every range checked first. */
  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    return this.writeBatch(sliceWriteRanges(requests, bytes));
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    return [...this.writeBatch(requests)];
  }

  run(batch: TransferBatch, write = false): void {
    this.#memory();
    runBatch(batch, write ? (at, buffer) => this.#writeInto(at, buffer) : (at, buffer) => this.readInto(at, buffer));
  }

  clone(): ScriptConnector {
    const memory = this.#memory();
    if (memory.clone) return new ScriptConnector(this.name, { memory: memory.clone(), handles: 1 });
    this.#shared.handles += 1;
    return new ScriptConnector(this.name, this.#shared);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#shared.handles -= 1;
    if (this.#shared.handles === 0) this.#shared.memory.close?.();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

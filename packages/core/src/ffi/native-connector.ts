/**
 * A connector instance created by a native plugin (memflow's `ConnectorInstance`, 64 bytes):
 * physical memory access, clone and close. Close drops the instance and then its context; a
 * closed or moved connector refuses every further use.
 */
import { type Pointer, ptr } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { Address } from "../memory/address.ts";
import type { ReadResults, TransferResults } from "../memory/batch-results.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import type { PhysicalMemoryMetadata } from "../memory/physical-memory.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";
import type { Connector } from "../plugin/connector.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { CONNECTOR_INSTANCE } from "./layouts.ts";
import { NativePhysicalMemory } from "./native-physical-memory.ts";
import { PluginInstance } from "./plugin-instance.ts";
import { nativeShim } from "./shim.ts";

export class NativeConnector extends PluginInstance implements Connector {
  readonly origin = "native" as const;
  readonly #memory: NativePhysicalMemory;
  readonly #wrap: (bytes: Uint8Array, label: string) => InstanceMemory;

  /** @internal created by the plugin host. */
  constructor(name: string, memory: InstanceMemory, wrap: (bytes: Uint8Array, label: string) => InstanceMemory) {
    super(name, memory);
    this.#wrap = wrap;
    const physical = memory.handle(CONNECTOR_INSTANCE.VTBL_PHYSICAL_MEMORY, memory.label);
    if (physical === undefined)
      throw new MemflowError("Connector", "InvalidAbi", `${memory.label} has no PhysicalMemory vtable`);
    this.#memory = new NativePhysicalMemory(physical);
  }

  metadata(): PhysicalMemoryMetadata {
    return this.#memory.metadata();
  }

  read(address: Address, length: number): Uint8Array {
    return this.#memory.read(address, length);
  }

  readInto(address: Address, buffer: Uint8Array): number {
    return this.#memory.readInto(address, buffer);
  }

  readBatch(requests: readonly ReadRequest[]): ReadResults {
    return this.#memory.readBatch(requests);
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return this.#memory.readMany(requests);
  }

  write(address: Address, bytes: Uint8Array): void {
    this.#memory.write(address, bytes);
  }

  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    return this.#memory.writeBatch(requests);
  }

  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    return this.#memory.writeBatchFrom(requests, bytes);
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    return this.#memory.writeMany(requests);
  }

  /** Runs a reusable batch (see TransferBatch) as reads, or as writes. */
  run(batch: TransferBatch, write = false): void {
    this.#memory.run(batch, write);
  }

  /** A second, independent handle on the same connector (`Clone`); close each separately. */
  clone(): NativeConnector {
    const vtable = this.memory.vtable(CONNECTOR_INSTANCE.VTBL_CLONE);
    if (vtable === null) throw new MemflowError("Connector", "NotSupported", `${this.memory.label} cannot be cloned`);
    const source = this.memory.bytes();
    const copy = new Uint8Array(CONNECTOR_INSTANCE.SIZE);
    // cglue's clone returns only the container; the vtables are copied from the source.
    copy.set(source.subarray(0, CONNECTOR_INSTANCE.CONTAINER));
    nativeShim().mf_clone(
      vtable,
      this.memory.container(),
      (ptr(copy) + CONNECTOR_INSTANCE.CONTAINER) as Pointer,
      this.memory.plugin.pointer,
    );
    return new NativeConnector(this.name, this.#wrap(copy, `${this.memory.label} (clone)`), this.#wrap);
  }
}

/**
 * A connector instance created by a native plugin (memflow's `ConnectorInstance`, 64 bytes):
 * physical memory access, clone and close. Close drops the instance and then its context; a
 * closed or moved connector refuses every further use.
 */
import { type Pointer, ptr } from "bun:ffi";
import type { Connector } from "../connector.ts";
import { MemflowError } from "../error.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { CONNECTOR_INSTANCE } from "./layouts.ts";
import {
  type Address,
  PhysicalMemoryAccess,
  type PhysicalMemoryMetadata,
  type ReadResult,
  type TransferBatch,
  type TransferResult,
} from "./physical-memory.ts";
import { PluginInstance } from "./plugin-instance.ts";
import { nativeShim } from "./shim.ts";

export class NativeConnector extends PluginInstance implements Connector {
  readonly origin = "native" as const;
  readonly #access: PhysicalMemoryAccess;
  readonly #wrap: (bytes: Uint8Array, label: string) => InstanceMemory;

  /** @internal created by the plugin host. */
  constructor(name: string, memory: InstanceMemory, wrap: (bytes: Uint8Array, label: string) => InstanceMemory) {
    super(name, memory);
    this.#wrap = wrap;
    const vtable = memory.vtable(CONNECTOR_INSTANCE.VTBL_PHYSICAL_MEMORY);
    if (vtable === null)
      throw new MemflowError("Connector", "InvalidAbi", `${memory.label} has no PhysicalMemory vtable`);
    this.#access = new PhysicalMemoryAccess({
      label: memory.label,
      vtable,
      container: memory.container(),
      check: () => {
        if (!memory.live) throw memory.usedAfterEnd();
      },
    });
  }

  metadata(): PhysicalMemoryMetadata {
    return this.#access.metadata();
  }

  read(address: Address, length: number): Uint8Array {
    return this.#access.read(address, length);
  }

  readInto(address: Address, buffer: Uint8Array): number {
    return this.#access.readInto(address, buffer);
  }

  readMany(requests: readonly { address: Address; length: number }[]): ReadResult[] {
    return this.#access.readMany(requests);
  }

  write(address: Address, bytes: Uint8Array): void {
    this.#access.write(address, bytes);
  }

  writeMany(requests: readonly { address: Address; data: Uint8Array }[]): TransferResult[] {
    return this.#access.writeMany(requests);
  }

  /** Runs a reusable batch (see TransferBatch) as reads, or as writes. */
  run(batch: TransferBatch, write = false): void {
    this.#access.run(batch, write);
  }

  /** A second, independent handle on the same connector (`Clone`); close each separately. */
  clone(): NativeConnector {
    const vtable = this.memory.vtable(CONNECTOR_INSTANCE.VTBL_CLONE);
    if (vtable === null) throw new MemflowError("Connector", "NotSupported", `${this.memory.label} cannot be cloned`);
    const source = this.memory.bytes();
    const copy = new Uint8Array(CONNECTOR_INSTANCE.SIZE);
    // cglue's clone returns only the container; the vtables are copied from the source.
    copy.set(source.subarray(0, CONNECTOR_INSTANCE.CONTAINER));
    nativeShim().mf_clone(vtable, this.memory.container(), (ptr(copy) + CONNECTOR_INSTANCE.CONTAINER) as Pointer);
    return new NativeConnector(this.name, this.#wrap(copy, `${this.memory.label} (clone)`), this.#wrap);
  }
}

/**
 * An OS instance (memflow's `OsInstance`, 88 bytes). It owns the connector it was created with
 * (the plugin took it over). The OS process/module API comes later; this object manages the
 * instance's lifetime and exposes its optional PhysicalMemory vtable.
 */
import type { InstanceMemory } from "./instance-memory.ts";
import { OS_INSTANCE } from "./layouts.ts";
import {
  type Address,
  PhysicalMemoryAccess,
  type PhysicalMemoryMetadata,
  type ReadResult,
  type TransferResult,
} from "./physical-memory.ts";
import { PluginInstance } from "./plugin-instance.ts";

/** Physical memory seen through an OS instance; valid while the OS is open. */
export interface PhysicalMemoryView {
  metadata(): PhysicalMemoryMetadata;
  read(address: Address, length: number): Uint8Array;
  readInto(address: Address, buffer: Uint8Array): number;
  readMany(requests: readonly { address: Address; length: number }[]): ReadResult[];
  write(address: Address, bytes: Uint8Array): void;
  writeMany(requests: readonly { address: Address; data: Uint8Array }[]): TransferResult[];
}

export class Os extends PluginInstance {
  /** @internal created by the plugin host. */
  constructor(name: string, memory: InstanceMemory) {
    super(name, memory);
  }

  /** The OS's PhysicalMemory, when the plugin implements it (memflow's optional vtable). */
  physicalMemory(): PhysicalMemoryView | undefined {
    const memory = this.memory;
    const vtable = memory.vtable(OS_INSTANCE.VTBL_PHYSICAL_MEMORY);
    if (vtable === null) return undefined;
    return new PhysicalMemoryAccess({
      label: `${memory.label} physical memory`,
      vtable,
      container: memory.container(),
      check: () => {
        if (!memory.live) throw memory.usedAfterEnd();
      },
    });
  }
}

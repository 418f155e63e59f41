/**
 * An OS instance created by a native plugin (memflow's `OsInstance`, 88 bytes). It owns the
 * connector it was created with (the plugin took it over). The process and module calls come
 * with the OS layer; this object manages the instance's lifetime and exposes its optional
 * PhysicalMemory vtable.
 */
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { Os } from "../plugin/os.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { OS_INSTANCE } from "./layouts.ts";
import { PluginInstance } from "./plugin-instance.ts";

export class NativeOs extends PluginInstance implements Os {
  /** @internal created by the plugin host. */
  constructor(name: string, memory: InstanceMemory) {
    super(name, memory);
  }

  physicalMemory(): PhysicalMemory | undefined {
    return this.memory.physicalMemory(OS_INSTANCE.VTBL_PHYSICAL_MEMORY, `${this.memory.label} physical memory`);
  }
}

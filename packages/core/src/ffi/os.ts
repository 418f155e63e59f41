/**
 * An OS instance (memflow's `OsInstance`, 88 bytes). It owns the connector it was created with
 * (the plugin took it over). The OS process/module API comes later; this object manages the
 * instance's lifetime and exposes its optional PhysicalMemory vtable.
 */

import type { PhysicalMemoryView } from "../connector.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { OS_INSTANCE } from "./layouts.ts";
import { PhysicalMemoryAccess } from "./physical-memory.ts";
import { PluginInstance } from "./plugin-instance.ts";

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

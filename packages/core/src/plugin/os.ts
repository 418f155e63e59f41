/**
 * An OS instance: memflow's `OsInstance`, created by an OS plugin over the connector it was given
 * (which it owns from then on). Processes, modules and virtual memory come with the OS layer;
 * today an OS offers its lifetime and, when the plugin has it, the physical memory under it.
 */
import type { PhysicalMemory } from "../memory/physical-memory.ts";

export interface Os extends Disposable {
  readonly name: string;
  /** True once closed, or moved into another plugin. */
  readonly closed: boolean;
  /** The OS's PhysicalMemory, when the plugin implements it (memflow's optional part); valid while the OS is open. */
  physicalMemory(): PhysicalMemory | undefined;
  /** Drops the instance and the connector it owns; later calls do nothing. */
  close(): void;
}

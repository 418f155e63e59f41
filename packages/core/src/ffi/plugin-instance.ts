/**
 * What connectors and OS instances share: a name, the instance memory the host owns, and its
 * end, either closed here or moved into another plugin.
 */
import type { InstanceMemory } from "./instance-memory.ts";

export abstract class PluginInstance implements Disposable {
  readonly name: string;
  protected readonly memory: InstanceMemory;

  protected constructor(name: string, memory: InstanceMemory) {
    this.name = name;
    this.memory = memory;
  }

  /** True once closed, or moved into another plugin. */
  get closed(): boolean {
    return this.memory.state !== "live";
  }

  /** Drops the instance, then its context; later calls do nothing. */
  close(): void {
    this.memory.drop();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal moves the instance into a plugin that takes ownership of it. */
  moveOut(): Uint8Array {
    return this.memory.move();
  }
}

/**
 * The host-side memory of a plugin instance (the 64- or 88-byte cglue object), which the host
 * owns until it drops the instance or moves it into another plugin. After either, any use
 * throws instead of touching freed native memory.
 */
import { type Pointer, ptr, read } from "bun:ffi";
import { MemflowError } from "../error.ts";
import type { TransferHandle } from "./native-transfer.ts";
import type { PluginLabel } from "./plugin-label.ts";
import { nativeShim } from "./shim.ts";

export class InstanceMemory {
  readonly label: string;
  /** The plugin, as a crash report names it: kept with the instance, which is what calls into it. */
  readonly plugin: PluginLabel;
  readonly containerOffset: number;
  #bytes: Uint8Array | undefined;
  #state: "live" | "closed" | "moved" = "live";
  /** Where a moved instance went, for the use-after-move error. */
  #movedInto = "another plugin";
  /** Cached: the bytes never move (JSC does not move typed arrays' storage). */
  readonly #base: Pointer;

  constructor(bytes: Uint8Array, containerOffset: number, label: string, plugin: PluginLabel) {
    this.#bytes = bytes;
    this.containerOffset = containerOffset;
    this.label = label;
    this.plugin = plugin;
    this.#base = ptr(bytes);
  }

  get live(): boolean {
    return this.#state === "live";
  }

  get state(): "live" | "closed" | "moved" {
    return this.#state;
  }

  /** The object's base address; throws (Ffi, Uninitialized) when it was dropped or moved. */
  base(): Pointer {
    if (this.#state !== "live") throw this.usedAfterEnd();
    return this.#base;
  }

  /** The error for any use after close or move. */
  usedAfterEnd(): MemflowError {
    const how = this.#state === "moved" ? `moved into ${this.#movedInto}` : "closed";
    return new MemflowError("Ffi", "Uninitialized", `${this.label} was ${how}`);
  }

  container(): Pointer {
    return (this.base() + this.containerOffset) as Pointer;
  }

  /** A vtable pointer stored at `offset`, or null. */
  vtable(offset: number): Pointer | null {
    const value = read.ptr(this.base(), offset);
    return value === 0 ? null : (value as Pointer);
  }

  /**
   * The vtable at `offset` with this instance's container, usable while `check` passes (by
   * default: while the instance lives); undefined when the plugin left that vtable out.
   */
  handle(offset: number, label: string, check?: () => void): TransferHandle | undefined {
    const vtable = this.vtable(offset);
    if (vtable === null) return undefined;
    return {
      label,
      plugin: this.plugin.pointer,
      vtable,
      container: this.container(),
      check:
        check ??
        (() => {
          if (!this.live) throw this.usedAfterEnd();
        }),
    };
  }

  bytes(): Uint8Array {
    this.base();
    return this.#bytes ?? new Uint8Array(0);
  }

  /** Drops the instance (instance first, then its context), once. */
  drop(): void {
    if (this.#state !== "live") return;
    nativeShim().mf_drop(this.container(), this.plugin.pointer);
    this.#state = "closed";
    this.#bytes = undefined;
  }

  /** Hands the bytes to a plugin (or a process, `into`) that takes ownership; this side must never drop them. */
  move(into = "another plugin"): Uint8Array {
    const bytes = this.bytes();
    this.#state = "moved";
    this.#movedInto = into;
    this.#bytes = undefined;
    return bytes;
  }
}

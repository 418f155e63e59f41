/**
 * Physical memory through a native plugin's `PhysicalMemory` vtable, shared by connectors and by
 * OS instances that expose one: batched reads and writes (native-transfer.ts) and the metadata.
 */
import { ptr, read } from "bun:ffi";
import type { PhysicalMemory, PhysicalMemoryMetadata } from "../memory/physical-memory.ts";
import { METADATA } from "./layouts.ts";
import { NativeTransfer, type TransferHandle } from "./native-transfer.ts";
import { nativeShim } from "./shim.ts";

export class NativePhysicalMemory extends NativeTransfer implements PhysicalMemory {
  constructor(handle: TransferHandle) {
    super(handle, "physical");
  }

  metadata(): PhysicalMemoryMetadata {
    this.handle.check();
    const { vtable, container, plugin } = this.handle;
    const out = new Uint8Array(METADATA.SIZE);
    nativeShim().mf_metadata(vtable, container, out, plugin);
    const base = ptr(out);
    return {
      maxAddress: read.u64(base, METADATA.MAX_ADDRESS),
      realSize: read.u64(base, METADATA.REAL_SIZE),
      readonly: read.u8(base, METADATA.READONLY) !== 0,
      idealBatchSize: read.u32(base, METADATA.IDEAL_BATCH_SIZE),
    };
  }
}

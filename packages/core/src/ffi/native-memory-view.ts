/**
 * Virtual memory through a native plugin's `MemoryView` vtable: a process's address space, or an
 * OS kernel's. Reads and writes are batched as physical ones are (native-transfer.ts): one
 * read_raw_iter or write_raw_iter per batch, per-request counts, unmapped parts zero-filled and
 * reported; `read` and `write` throw (VirtualMemory, PartialData).
 */
import type { MemoryView, MemoryViewMetadata } from "../memory/memory-view.ts";
import { handleTarget, NativeCalls } from "./native-calls.ts";
import { NativeTransfer, type TransferHandle } from "./native-transfer.ts";
import { memoryViewMetadataAt } from "./os-decode.ts";
import { MEMORY_VIEW_METADATA, MEMORY_VIEW_VTBL, SHIM_CALL } from "./os-layouts.ts";

export class NativeMemoryView extends NativeTransfer implements MemoryView {
  readonly #calls: NativeCalls;

  constructor(handle: TransferHandle) {
    super(handle, "virtual");
    this.#calls = new NativeCalls(handleTarget(handle));
  }

  /** The view's address space: its size, and the width and byte order of its pointers. */
  metadata(): MemoryViewMetadata {
    const out = new Uint8Array(MEMORY_VIEW_METADATA.SIZE);
    this.#calls.call(SHIM_CALL.VIEW_METADATA, MEMORY_VIEW_VTBL.METADATA, {}, out);
    return memoryViewMetadataAt(new DataView(out.buffer), 0);
  }
}

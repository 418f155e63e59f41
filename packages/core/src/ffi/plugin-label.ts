/**
 * How the shim names a plugin when plugin code crashes the process: `connector crashing 0.0.1
 * (/path/libmemflow_crashing_bc2bb1f.so)`, NUL-terminated, control characters escaped (the name
 * and version are the plugin's own, and the shim writes them straight to stderr). The owner keeps
 * the bytes alive as long as it may call into the plugin; the shim only reads them while a call
 * is in progress.
 */
import { type Pointer, ptr } from "bun:ffi";
import { printable } from "../plugin-files/printable-text.ts";

export interface PluginLabel {
  readonly bytes: Uint8Array;
  /** Where the bytes are: passed with every call, so a crash report costs the call nothing more. */
  readonly pointer: Pointer;
}

export function pluginLabel(text: string): PluginLabel {
  const bytes = new TextEncoder().encode(`${printable(text)}\0`);
  return { bytes, pointer: ptr(bytes) };
}

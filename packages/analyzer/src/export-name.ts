/**
 * Which exports are memflow descriptors: `MEMFLOW_CONNECTOR_<NAME>` and `MEMFLOW_OS_<NAME>`.
 * Export names are bytes in the file; only the ones with a memflow prefix must be valid UTF-8.
 */
import type { PluginKind } from "./descriptor-info.ts";
import { fail } from "./errors.ts";

export const CONNECTOR_EXPORT_PREFIX = "MEMFLOW_CONNECTOR_";
export const OS_EXPORT_PREFIX = "MEMFLOW_OS_";

/** Each prefix's bytes and their count (a number: a typed array's `length` is slow when interpreted). */
const PREFIXES: readonly { kind: PluginKind; bytes: Uint8Array; length: number }[] = [
  {
    kind: "connector",
    bytes: new TextEncoder().encode(CONNECTOR_EXPORT_PREFIX),
    length: CONNECTOR_EXPORT_PREFIX.length,
  },
  { kind: "os", bytes: new TextEncoder().encode(OS_EXPORT_PREFIX), length: OS_EXPORT_PREFIX.length },
];

/** The kind announced by a name given as bytes (without a terminating NUL), checked without decoding it. */
export function pluginKindOfBytes(name: Uint8Array): PluginKind | undefined {
  const nameLength = name.length;
  for (let which = 0; which < PREFIXES.length; which += 1) {
    const prefix = PREFIXES[which] as (typeof PREFIXES)[number];
    if (nameLength < prefix.length) continue;
    const bytes = prefix.bytes;
    let matches = true;
    for (let index = 0; index < prefix.length && matches; index += 1) matches = name[index] === bytes[index];
    if (matches) return prefix.kind;
  }
  return undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a descriptor export's name; `fileOffset` is where it is stored, for the error. */
export function decodeExportName(name: Uint8Array, fileOffset: number): string {
  try {
    return utf8.decode(name);
  } catch {
    throw fail("encoding", fileOffset, "a memflow export name is not valid UTF-8");
  }
}

/**
 * Which exports are memflow descriptors: `MEMFLOW_CONNECTOR_<NAME>` and `MEMFLOW_OS_<NAME>`.
 * Export names are bytes in the file; only the ones with a memflow prefix must be valid UTF-8.
 */
import type { PluginKind } from "./descriptor-info.ts";
import { fail } from "./errors.ts";

export const CONNECTOR_EXPORT_PREFIX = "MEMFLOW_CONNECTOR_";
export const OS_EXPORT_PREFIX = "MEMFLOW_OS_";

const PREFIXES: readonly { kind: PluginKind; bytes: Uint8Array }[] = [
  { kind: "connector", bytes: new TextEncoder().encode(CONNECTOR_EXPORT_PREFIX) },
  { kind: "os", bytes: new TextEncoder().encode(OS_EXPORT_PREFIX) },
];

/** The kind an export name announces, or undefined for any other export. */
export function pluginKindOf(exportName: string): PluginKind | undefined {
  if (exportName.startsWith(CONNECTOR_EXPORT_PREFIX)) return "connector";
  if (exportName.startsWith(OS_EXPORT_PREFIX)) return "os";
  return undefined;
}

/** The kind announced by a name given as bytes (without a terminating NUL), checked without decoding it. */
export function pluginKindOfBytes(name: Uint8Array): PluginKind | undefined {
  for (const prefix of PREFIXES) {
    if (name.length < prefix.bytes.length) continue;
    let matches = true;
    for (let index = 0; index < prefix.bytes.length && matches; index += 1) {
      matches = name[index] === prefix.bytes[index];
    }
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

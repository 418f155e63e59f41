/**
 * What the analyzer reports for each plugin descriptor. The field names and string values are
 * memflow's serde spellings (`PluginDescriptorInfo` in plugin_analyzer.rs), because memflowup's
 * `.meta` files and memflow-registry's JSON carry this object as is.
 */

export type PluginKind = "connector" | "os";

export type PluginFileType = "elf" | "pe" | "mach";

/** serde's form of memflow's `PluginArchitecture`: a unit variant, or `{ "unknown": n }`. */
export type PluginArchitecture = "x86" | "x86_64" | "arm" | "arm64" | { unknown: number };

export interface PluginDescriptorInfo {
  plugin_kind: PluginKind;
  /** The exported symbol, e.g. `MEMFLOW_CONNECTOR_QEMU` (without Mach-O's leading `_`). */
  export_name: string;
  file_type: PluginFileType;
  architecture: PluginArchitecture;
  plugin_version: number;
  name: string;
  version: string;
  description: string;
}

type NamedArchitecture = "x86" | "x86_64" | "arm" | "arm64";

/**
 * A lookup from a format's machine code to memflow's architecture, given the codes of the four
 * it names; any other code maps to `{ unknown: code }`.
 */
export function architectureTable(
  codes: Readonly<Record<NamedArchitecture, readonly number[]>>,
): (code: number) => PluginArchitecture {
  const table = new Map<number, NamedArchitecture>();
  for (const [architecture, values] of Object.entries(codes) as [NamedArchitecture, readonly number[]][]) {
    for (const value of values) table.set(value, architecture);
  }
  return (code) => table.get(code) ?? { unknown: code >>> 0 };
}

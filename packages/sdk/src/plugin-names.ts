/**
 * The names a memflow plugin is known by: the exported descriptor symbol and the file name
 * memflow's own build produces. Both follow memflow-derive, so a plugin built with the sdk is
 * found by Rust memflow exactly like a Rust one. Names follow core's plugin-name rule.
 */
import type { PluginKind } from "@memflow-ts/analyzer";
import { type HostPlatform, pluginExtension, pluginNameProblem } from "@memflow-ts/core/plugin-files";

export class PluginNameError extends Error {
  override readonly name = "PluginNameError";
}

function checkedName(name: string): string {
  const problem = pluginNameProblem(name);
  if (problem !== undefined) throw new PluginNameError(problem);
  return name;
}

/** `MEMFLOW_CONNECTOR_<NAME>` / `MEMFLOW_OS_<NAME>`, the data symbol memflow looks for. */
export function descriptorExportName(kind: PluginKind, name: string): string {
  const prefix = kind === "connector" ? "MEMFLOW_CONNECTOR_" : "MEMFLOW_OS_";
  return `${prefix}${checkedName(name).toUpperCase()}`;
}

/** The library file name cargo gives a memflow plugin crate: `libmemflow_<name>.so`, `memflow_<name>.dll`. */
export function pluginFileName(name: string, platform: HostPlatform): string {
  const extension = pluginExtension(platform);
  const prefix = platform === "win32" ? "" : "lib";
  return `${prefix}memflow_${checkedName(name).toLowerCase()}.${extension}`;
}

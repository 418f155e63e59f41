/**
 * What the host can load: memflow's `plugin_file_type()` and `plugin_architecture()` (util.rs),
 * from Node-style platform and arch names, and the one plugin ABI version memflow 0.2 loads.
 */
import type { PluginArchitecture, PluginFileType } from "@memflow-ts/analyzer";
import type { HostPlatform } from "../plugin-paths.ts";

/** memflow 0.2's plugin ABI version (`MEMFLOW_PLUGIN_VERSION`). */
export const MEMFLOW_PLUGIN_VERSION = 1;

export interface Host {
  readonly platform: HostPlatform;
  readonly fileType: PluginFileType;
  readonly architecture: PluginArchitecture;
}

export function hostFor(platform: HostPlatform, arch: string): Host {
  const fileType: PluginFileType = platform === "win32" ? "pe" : platform === "darwin" ? "mach" : "elf";
  const architecture: PluginArchitecture =
    arch === "x64"
      ? "x86_64"
      : arch === "ia32"
        ? "x86"
        : arch === "arm64"
          ? "arm64"
          : arch === "arm"
            ? "arm"
            : { unknown: 0 };
  return { platform, fileType, architecture };
}

export function sameArchitecture(a: PluginArchitecture, b: PluginArchitecture): boolean {
  return typeof a === "string" || typeof b === "string" ? a === b : a.unknown === b.unknown;
}

export function describeTarget(fileType: PluginFileType, architecture: PluginArchitecture): string {
  return `${fileType}/${typeof architecture === "string" ? architecture : `unknown(${architecture.unknown})`}`;
}

/**
 * What a host is and what it can load: the platform in memflow's sense (and the one library
 * extension memflow loads there, `plugin_extension()`), memflow's `plugin_file_type()` and
 * `plugin_architecture()` (util.rs) from Node-style platform and arch names, the one plugin ABI
 * version memflow 0.2 loads, and the label memflowup prints for a target (`elf/x86_64`).
 */
import type { PluginArchitecture, PluginDescriptorInfo, PluginFileType } from "@memflow-ts/analyzer";

export type HostPlatform = "linux" | "darwin" | "win32";

/**
 * The plugin platform of a Node platform name (`process.platform`). memflow treats every Unix
 * other than macOS like Linux: ELF libraries named `.so`.
 */
export function hostPlatform(platform: string): HostPlatform {
  return platform === "win32" || platform === "darwin" ? platform : "linux";
}

/** The only extension memflow loads on each platform. */
export function pluginExtension(platform: HostPlatform): "so" | "dylib" | "dll" {
  switch (platform) {
    case "linux":
      return "so";
    case "darwin":
      return "dylib";
    case "win32":
      return "dll";
  }
}

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

/** The platform whose libraries have this file type. */
export function platformOfFileType(fileType: PluginFileType): HostPlatform {
  return fileType === "pe" ? "win32" : fileType === "mach" ? "darwin" : "linux";
}

/** `x86_64`, or `unknown(183)` for an architecture memflow has no name for. */
export function architectureLabel(architecture: PluginArchitecture): string {
  return typeof architecture === "string" ? architecture : `unknown(${architecture.unknown})`;
}

export function sameArchitecture(a: PluginArchitecture, b: PluginArchitecture): boolean {
  // The same name (or object) needs no labels: a scan asks once a file, cold.
  return a === b || architectureLabel(a) === architectureLabel(b);
}

/**
 * The last label made for a named architecture (a string, so equal means the same label): a
 * listing asks for one a row, cold, and a folder's plugins are mostly built for one target.
 */
let lastTarget: { fileType: string; architecture: unknown; label: string } | undefined;

/** memflowup's ARCH column, `format!("{:?}/{:?}", file_type, architecture).to_lowercase()`: `elf/x86_64`, `pe/unknown(62)`. */
export function targetLabel(target: {
  readonly file_type: PluginFileType;
  readonly architecture: PluginArchitecture;
}): string {
  const named = typeof target.architecture === "string";
  if (named && lastTarget?.fileType === target.file_type && lastTarget.architecture === target.architecture)
    return lastTarget.label;
  const label = `${target.file_type}/${architectureLabel(target.architecture)}`.toLowerCase();
  if (named) lastTarget = { fileType: target.file_type, architecture: target.architecture, label };
  return label;
}

/** The host's label, as `targetLabel` writes a descriptor's. */
export function hostLabel(host: Host): string {
  return targetLabel({ file_type: host.fileType, architecture: host.architecture });
}

/** Whether the host can load the descriptor: same file type, architecture and plugin ABI. */
export function loadableOn(host: Host, descriptor: PluginDescriptorInfo): boolean {
  return (
    descriptor.plugin_version === MEMFLOW_PLUGIN_VERSION &&
    descriptor.file_type === host.fileType &&
    sameArchitecture(descriptor.architecture, host.architecture)
  );
}

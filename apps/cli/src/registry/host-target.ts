/**
 * The file type and architecture this machine loads (memflow-registry's `append_os_arch_filter`,
 * decided at run time instead of compile time), and memflowup's ARCH column for a descriptor.
 */
import type { PluginArchitecture, PluginDescriptorInfo, PluginFileType } from "@memflow-ts/analyzer";
import { type Host, hostFor, MEMFLOW_PLUGIN_VERSION } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../io.ts";

export function hostTarget(context: CliContext): Host {
  return hostFor(context.platform, context.arch);
}

function architectureLabel(architecture: PluginArchitecture): string {
  return typeof architecture === "string" ? architecture : `unknown(${architecture.unknown})`;
}

/** memflowup's `format!("{:?}/{:?}", file_type, architecture).to_lowercase()`: `elf/x86_64`, `pe/unknown(62)`. */
export function targetLabel(descriptor: { file_type: PluginFileType; architecture: PluginArchitecture }): string {
  return `${descriptor.file_type}/${architectureLabel(descriptor.architecture)}`.toLowerCase();
}

/** The host's ARCH label: `elf/x86_64`. */
export function hostLabel(host: Host): string {
  return targetLabel({ file_type: host.fileType, architecture: host.architecture });
}

/** Whether this host can load the descriptor: same file type, architecture and plugin ABI. */
export function loadableOn(host: Host, descriptor: PluginDescriptorInfo): boolean {
  return (
    descriptor.plugin_version === MEMFLOW_PLUGIN_VERSION &&
    descriptor.file_type === host.fileType &&
    architectureLabel(descriptor.architecture) === architectureLabel(host.architecture)
  );
}

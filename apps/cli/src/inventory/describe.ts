/** How descriptors and plugin files are shown: `elf/x86_64`, `connector dummy 0.2.4`. */
import type { PluginArchitecture, PluginDescriptorInfo } from "@memflow-ts/analyzer";

function architectureText(architecture: PluginArchitecture): string {
  return typeof architecture === "string" ? architecture : `unknown(${architecture.unknown})`;
}

/** `elf/x86_64`: the file type and architecture a plugin was built for. */
export function targetText(descriptor: Pick<PluginDescriptorInfo, "file_type" | "architecture">): string {
  return `${descriptor.file_type}/${architectureText(descriptor.architecture)}`;
}

/** `connector dummy 0.2.4` */
export function descriptorTitle(descriptor: Pick<PluginDescriptorInfo, "plugin_kind" | "name" | "version">): string {
  return `${descriptor.plugin_kind} ${descriptor.name} ${descriptor.version}`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

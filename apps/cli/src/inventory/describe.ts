/** How descriptors are shown: `connector dummy 0.2.4` (core's `targetLabel` shows their target). */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";

/** `connector dummy 0.2.4` */
export function descriptorTitle(descriptor: Pick<PluginDescriptorInfo, "plugin_kind" | "name" | "version">): string {
  return `${descriptor.plugin_kind} ${descriptor.name} ${descriptor.version}`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

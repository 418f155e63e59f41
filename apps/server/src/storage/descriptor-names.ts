/**
 * What an uploaded plugin may call itself. A descriptor's name becomes a URL path segment, a
 * file name on every machine that pulls it and part of a C symbol, and its version is shown in
 * terminals and pages and typed after `name:`; both come from a binary anyone can build. Core's
 * plugin-name rules say what is allowed; `memflow-ts push` and `pull` apply the same ones.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { pluginNameProblem, pluginVersionProblem, printable } from "@memflow-ts/core/plugin-files";
import { StorageError } from "./storage-error.ts";

/** Throws bad-plugin, with the rule, for the first descriptor whose name or version breaks it. */
export function checkDescriptorNames(descriptors: readonly PluginDescriptorInfo[]): void {
  for (const descriptor of descriptors) {
    const problem = pluginNameProblem(descriptor.name) ?? pluginVersionProblem(descriptor.version);
    // The text quotes the binary's own strings: escape what JSON quoting leaves (C1 controls, U+2028).
    if (problem !== undefined) throw new StorageError("bad-plugin", `Memflow error: ${printable(problem)}`);
  }
}

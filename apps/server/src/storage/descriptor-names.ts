/**
 * What an uploaded plugin may call itself. A descriptor's name becomes a URL path segment, a
 * file name on every machine that pulls it and part of a C symbol, and its version is shown in
 * terminals and pages and typed after `name:`; both come from a binary anyone can build. The
 * name follows core's plugin-name rule; this module adds the bounds the rule does not have yet.
 *
 * TODO(lead): MAX_NAME_LENGTH and versionProblem belong in core's plugin-files/plugin-name.ts,
 * beside pluginNameProblem, so that push and pull can apply them too (core was not ours to edit).
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { isPrintable, pluginNameProblem, printable } from "@memflow-ts/core/plugin-files";
import { StorageError } from "./storage-error.ts";

/** crates.io's limit on crate names, which memflow plugin names come from; file names stay far below 255 bytes. */
export const MAX_NAME_LENGTH = 64;
/** Enough for any semver with pre-release and build metadata (`1.2.3-beta.4+git.0123456789abcdef`). */
export const MAX_VERSION_LENGTH = 64;

/** Why `name` cannot name a stored plugin, or undefined. */
export function nameProblem(name: string): string | undefined {
  // Checked first, so a huge name is never repeated back.
  if (name.length > MAX_NAME_LENGTH) {
    return `a plugin name of ${name.length} characters is too long: at most ${MAX_NAME_LENGTH}`;
  }
  return pluginNameProblem(name);
}

/** Why `version` cannot be a stored plugin's version, or undefined. */
export function versionProblem(version: string): string | undefined {
  if (version.length === 0 || version.length > MAX_VERSION_LENGTH || !isPrintable(version)) {
    const shown = version.length > MAX_VERSION_LENGTH ? `of ${version.length} characters` : JSON.stringify(version);
    return `version ${shown} must be 1 to ${MAX_VERSION_LENGTH} characters with no control characters: it is shown in terminals and pages and typed after "name:"`;
  }
  return undefined;
}

/** Throws bad-plugin, with the rule, for the first descriptor whose name or version breaks it. */
export function checkDescriptorNames(descriptors: readonly PluginDescriptorInfo[]): void {
  for (const descriptor of descriptors) {
    const problem = nameProblem(descriptor.name) ?? versionProblem(descriptor.version);
    // The text quotes the binary's own strings: escape what JSON quoting leaves (C1 controls, U+2028).
    if (problem !== undefined) throw new StorageError("bad-plugin", `Memflow error: ${printable(problem)}`);
  }
}

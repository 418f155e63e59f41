/**
 * Plugin names: the rule a name that memflow-ts creates must follow, and names as users type
 * them to pick a plugin.
 *
 * A plugin's name becomes part of the C symbol memflow looks for (`MEMFLOW_CONNECTOR_<NAME>`,
 * upper-cased), of the file memflowup installs (`libmemflow_<name>_<digest7>.so`) and of the
 * cargo crate memflow's build produces (`libmemflow_<name>.so`). Letters, digits and `_` are what
 * all three accept everywhere; anything else (a `-`, a `.`, a path separator) breaks one of them.
 */

import { isPrintable } from "./printable-text.ts";

export const PLUGIN_NAME_PATTERN = /^[A-Za-z0-9_]+$/;
/** crates.io's limit on crate names, which memflow plugin names come from; file names stay far below 255 bytes. */
export const PLUGIN_NAME_MAX_LENGTH = 64;
/** Enough for any semver with pre-release and build metadata (`1.2.3-beta.4+git.0123456789abcdef`). */
export const PLUGIN_VERSION_MAX_LENGTH = 64;

/** Why `name` cannot name a plugin, or undefined when it can. `what` says what it names ("connector name"). */
export function pluginNameProblem(name: string, what = "plugin name"): string | undefined {
  // Checked first, so that a huge name is never repeated back.
  if (name.length > PLUGIN_NAME_MAX_LENGTH) {
    return `a ${what} of ${name.length} characters is too long: at most ${PLUGIN_NAME_MAX_LENGTH}`;
  }
  if (PLUGIN_NAME_PATTERN.test(name)) return undefined;
  return (
    `${what} ${JSON.stringify(name)} must be letters, digits and '_' only: ` +
    "it becomes part of a C symbol (MEMFLOW_CONNECTOR_<NAME>) and of the plugin's file name"
  );
}

/**
 * Why `version` cannot be a plugin's version, or undefined. A version comes from a binary anyone
 * can build, is shown in terminals and pages, and is typed after `name:` to pick a plugin.
 */
export function pluginVersionProblem(version: string): string | undefined {
  if (version.length > 0 && version.length <= PLUGIN_VERSION_MAX_LENGTH && isPrintable(version)) return undefined;
  const shown =
    version.length > PLUGIN_VERSION_MAX_LENGTH ? `of ${version.length} characters` : JSON.stringify(version);
  return (
    `version ${shown} must be 1 to ${PLUGIN_VERSION_MAX_LENGTH} characters with no control characters: ` +
    'it is shown in terminals and pages and typed after "name:"'
  );
}

/**
 * A plugin as users pick it: `qemu`, `qemu:latest`, `qemu:0.2.1` (a descriptor version) or
 * `qemu:ff2adb1` (a digest prefix), like memflowup's plugin URIs. memflow itself matches only the
 * bare name.
 */
export interface PluginName {
  readonly name: string;
  /** undefined for "latest" (or no tag). */
  readonly tag: string | undefined;
}

export function parsePluginName(text: string): PluginName {
  const colon = text.indexOf(":");
  if (colon < 0) return { name: text, tag: undefined };
  const tag = text.slice(colon + 1);
  return { name: text.slice(0, colon), tag: tag === "" || tag === "latest" ? undefined : tag };
}

/** Whether a tag selects this descriptor version or file digest. */
export function tagMatches(tag: string | undefined, version: string, digest: string | undefined): boolean {
  if (tag === undefined) return true;
  return (
    tag === version ||
    (digest !== undefined && /^[0-9a-f]+$/i.test(tag) && digest.toLowerCase().startsWith(tag.toLowerCase()))
  );
}

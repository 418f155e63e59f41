/**
 * Where memflow 0.2.4 looks for plugins (`Inventory::scan`), where memflowup installs them and
 * under which file name.
 *
 * Pure functions of their inputs: the caller passes HOME, the environment and the working
 * directory, so tests pin every case without touching the real machine.
 */
import { MemflowError } from "../error.ts";
import { type HostPlatform, pluginExtension } from "./plugin-target.ts";

function refuseNonFileName(name: string): void {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new MemflowError(
      "Other",
      "InvalidPath",
      `the plugin name ${JSON.stringify(name)} cannot be part of a file name`,
    );
  }
}

/** A plugin written in TypeScript is a file named `<anything>.memflow.ts` in a plugin folder (decision 0014). */
export const SCRIPT_PLUGIN_SUFFIX = ".memflow.ts";

/**
 * The file name `memflow-ts plugin install` gives a TypeScript plugin file: `<name>.memflow.ts`
 * after its first definition, one file per name (installing it again replaces it). No digest:
 * the name is what `plugins ls` and `plugins rm` know it by without running its code.
 */
export function installedScriptFileName(name: string): string {
  refuseNonFileName(name);
  return `${name}${SCRIPT_PLUGIN_SUFFIX}`;
}

/** The plugin name a TypeScript plugin file's name carries (`table.memflow.ts` → `table`), or undefined. */
export function scriptPluginNameOfFile(fileName: string): string | undefined {
  if (!fileName.endsWith(SCRIPT_PLUGIN_SUFFIX)) return undefined;
  const name = fileName.slice(0, -SCRIPT_PLUGIN_SUFFIX.length);
  return name === "" ? undefined : name;
}

/**
 * memflowup's file name for an installed plugin: `libmemflow_<name>_<digest7>.<ext>`, no `lib`
 * on Windows. The name comes from a descriptor, which anyone can write: one that could leave
 * the plugin folder or is not a file name at all is refused (Other, InvalidPath).
 */
export function installedFileName(name: string, digest: string, platform: HostPlatform): string {
  refuseNonFileName(name);
  const prefix = platform === "win32" ? "" : "lib";
  return `${prefix}memflow_${name}_${digest.slice(0, 7)}.${pluginExtension(platform)}`;
}

/**
 * The plugin name a file's name carries, by memflowup's convention (`libmemflow_<name>_<digest7>`)
 * or cargo's (`libmemflow_<name>`), or undefined for any other name. Only a hint: the name inside
 * the file is what counts; this serves when the file could not be read.
 */
export function pluginNameOfFile(fileName: string, platform: HostPlatform): string | undefined {
  const extension = `.${pluginExtension(platform)}`;
  if (!fileName.endsWith(extension)) return undefined;
  const stem = fileName.slice(0, -extension.length).replace(/^lib/, "");
  if (!stem.startsWith("memflow_")) return undefined;
  const name = stem.slice("memflow_".length).replace(/_[0-9a-f]{7}$/, "");
  return name === "" ? undefined : name;
}

export interface SearchPathInput {
  platform: HostPlatform;
  /** The user's home directory (HOME, or the profile folder on Windows). */
  home: string;
  /** The value of `MEMFLOW_PLUGIN_PATH`, if set. */
  pluginPathVariable?: string | undefined;
  cwd: string;
}

/** The user plugin directory memflowup installs into (`plugins_path()` in util.rs). */
export function userPluginDirectory(platform: HostPlatform, home: string): string {
  const separator = platform === "win32" ? "\\" : "/";
  const base = home.endsWith(separator) ? home.slice(0, -1) : home;
  return platform === "win32"
    ? `${base}${separator}Documents${separator}memflow`
    : `${base}${separator}.local${separator}lib${separator}memflow`;
}

/**
 * The directories `Inventory::scan` visits, in memflow's order: the user plugin directory,
 * each entry of `MEMFLOW_PLUGIN_PATH`, then the working directory. Unlike memflow, empty
 * entries of the variable are dropped instead of failing later, and a directory named twice
 * is visited once (memflow would list its plugins twice).
 */
export function pluginSearchPaths(input: SearchPathInput): string[] {
  const delimiter = input.platform === "win32" ? ";" : ":";
  // Each folder once, at its first place. A loop, not filter and spreads: every listing runs
  // this once, cold, where those builtins would be compiled for three entries (decision 0007).
  const ordered = [userPluginDirectory(input.platform, input.home)];
  const fromVariable = (input.pluginPathVariable ?? "").split(delimiter);
  for (let index = 0; index < fromVariable.length; index += 1) {
    const entry = fromVariable[index] as string;
    if (entry !== "" && !ordered.includes(entry)) ordered.push(entry);
  }
  if (!ordered.includes(input.cwd)) ordered.push(input.cwd);
  return ordered;
}

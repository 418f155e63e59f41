/**
 * The directories each memflow runtime scans, with what is in them. memflow 0.2.4 (what
 * memflowup 0.2 installs for): the user plugin directory, each MEMFLOW_PLUGIN_PATH entry, the
 * working directory (core's `pluginSearchPaths`). memflow 0.2.3 and older, which many
 * applications still ship: /usr/lib/memflow, /usr/local/lib/memflow, each MEMFLOW_PLUGIN_PATH
 * entry with `memflow` appended, the user plugin directory, the working directory (on Windows
 * %ProgramFiles%\memflow instead of the two system directories). Both also scan the
 * MEMFLOW_PLUGIN_PATH the application was compiled with, which no tool can see from outside.
 */
import { readdirSync } from "node:fs";
import { posix, win32 } from "node:path";
import { pluginExtension, pluginSearchPaths, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { errnoCode, errorMessage } from "../../failure.ts";
import type { CliContext } from "../../io.ts";

export interface SearchedDirectory {
  readonly path: string;
  /** Why the runtime looks there: `user plugin directory`, `MEMFLOW_PLUGIN_PATH`, … */
  readonly source: string;
  readonly exists: boolean;
  /** File names with the platform's plugin extension, sorted. */
  readonly pluginFiles: readonly string[];
  /** `.meta` file names, sorted. */
  readonly metaFiles: readonly string[];
  /** Why it could not be read, when it exists but cannot be listed. */
  readonly error?: string;
}

export interface RuntimeSearch {
  readonly runtime: string;
  readonly directories: readonly SearchedDirectory[];
}

export const CURRENT_RUNTIME = "memflow 0.2.4";
export const LEGACY_RUNTIME = "memflow 0.2.3 and older";

/** At most this many names are read from one directory. */
const MAX_ENTRIES = 10_000;

export function listDirectory(path: string, source: string, extension: string): SearchedDirectory {
  try {
    const names = readdirSync(path).slice(0, MAX_ENTRIES);
    const pluginFiles = names.filter((name) => name.endsWith(`.${extension}`)).sort();
    const metaFiles = names.filter((name) => name.endsWith(".meta")).sort();
    return { path, source, exists: true, pluginFiles, metaFiles };
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { path, source, exists: false, pluginFiles: [], metaFiles: [] };
    return { path, source, exists: true, pluginFiles: [], metaFiles: [], error: errorMessage(error) };
  }
}

function pathEntries(context: CliContext): string[] {
  const delimiter = context.platform === "win32" ? ";" : ":";
  return (context.env.MEMFLOW_PLUGIN_PATH ?? "").split(delimiter).filter((entry) => entry !== "");
}

function currentDirectories(context: CliContext): { path: string; source: string }[] {
  const user = userPluginDirectory(context.platform, context.home);
  const fromVariable = new Set(pathEntries(context));
  return pluginSearchPaths({
    platform: context.platform,
    home: context.home,
    pluginPathVariable: context.env.MEMFLOW_PLUGIN_PATH,
    cwd: context.cwd,
  }).map((path) => ({
    path,
    source:
      path === user ? "user plugin directory" : fromVariable.has(path) ? "MEMFLOW_PLUGIN_PATH" : "working directory",
  }));
}

function legacyDirectories(context: CliContext): { path: string; source: string }[] {
  const windows = context.platform === "win32";
  const join = windows ? win32.join : posix.join;
  const system = windows
    ? context.env.ProgramFiles === undefined
      ? []
      : [{ path: join(context.env.ProgramFiles, "memflow"), source: "%ProgramFiles%" }]
    : [
        { path: "/usr/lib/memflow", source: "system (deprecated)" },
        { path: "/usr/local/lib/memflow", source: "system" },
      ];
  const ordered = [
    ...system,
    ...pathEntries(context).map((entry) => ({ path: join(entry, "memflow"), source: "MEMFLOW_PLUGIN_PATH + memflow" })),
    { path: userPluginDirectory(context.platform, context.home), source: "user plugin directory" },
    { path: context.cwd, source: "working directory" },
  ];
  const seen = new Set<string>();
  return ordered.filter(({ path }) => !seen.has(path) && seen.add(path));
}

export function runtimeSearches(context: CliContext): RuntimeSearch[] {
  const extension = pluginExtension(context.platform);
  const list = (entries: { path: string; source: string }[]) =>
    entries.map(({ path, source }) => listDirectory(path, source, extension));
  return [
    { runtime: CURRENT_RUNTIME, directories: list(currentDirectories(context)) },
    { runtime: LEGACY_RUNTIME, directories: list(legacyDirectories(context)) },
  ];
}

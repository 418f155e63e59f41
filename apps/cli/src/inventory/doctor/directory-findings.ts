/**
 * Findings about the directories themselves: a MEMFLOW_PLUGIN_PATH entry that does not exist,
 * a directory that cannot be listed, and plugins that only one generation of memflow sees (the
 * classic "plugin not found" after memflowup 0.2, whose installs only memflow 0.2.4 looks at).
 */
import { plural } from "../describe.ts";
import type { Finding } from "./finding.ts";
import { CURRENT_RUNTIME, LEGACY_RUNTIME, type RuntimeSearch } from "./search-paths.ts";

export function directoryFindings(runtimes: readonly RuntimeSearch[]): Finding[] {
  const current = runtimes.find((runtime) => runtime.runtime === CURRENT_RUNTIME)?.directories ?? [];
  const legacy = runtimes.find((runtime) => runtime.runtime === LEGACY_RUNTIME)?.directories ?? [];
  const currentPaths = new Set(current.map((directory) => directory.path));
  const legacyPaths = new Set(legacy.map((directory) => directory.path));
  const findings: Finding[] = [];

  for (const directory of current) {
    if (directory.error !== undefined) {
      findings.push({
        severity: "error",
        code: "directory-unreadable",
        path: directory.path,
        message: `memflow cannot list ${directory.path}: ${directory.error}`,
        fix: "Give the user running memflow read and execute permission on the directory.",
      });
    } else if (!directory.exists && directory.source === "MEMFLOW_PLUGIN_PATH") {
      findings.push({
        severity: "warning",
        code: "plugin-path-missing",
        path: directory.path,
        message: `MEMFLOW_PLUGIN_PATH names ${directory.path}, which does not exist`,
        fix: "Create the directory or correct MEMFLOW_PLUGIN_PATH (entries are separated by ':', ';' on Windows).",
      });
    } else if (!directory.exists && directory.source === "user plugin directory") {
      findings.push({
        severity: "note",
        code: "user-directory-missing",
        path: directory.path,
        message: `the user plugin directory ${directory.path} does not exist yet`,
        fix: "'memflow-ts pull <name>' creates it and installs a plugin there.",
      });
    } else if (directory.pluginFiles.length > 0 && !legacyPaths.has(directory.path)) {
      findings.push({
        severity: "note",
        code: "not-seen-by-legacy",
        path: directory.path,
        message:
          `applications built with ${LEGACY_RUNTIME} do not look in ${directory.path} ` +
          `(${plural(directory.pluginFiles.length, "plugin file")}): they append 'memflow' to each MEMFLOW_PLUGIN_PATH entry`,
        fix: `For such an application, put the plugins in ${directory.path}/memflow or in the user plugin directory.`,
      });
    }
  }

  for (const directory of legacy) {
    if (currentPaths.has(directory.path) || directory.pluginFiles.length === 0) continue;
    findings.push({
      severity: "warning",
      code: "legacy-directory",
      path: directory.path,
      message:
        `${plural(directory.pluginFiles.length, "plugin file")} in ${directory.path} (${directory.source}): ` +
        `only applications built with ${LEGACY_RUNTIME} look there, ${CURRENT_RUNTIME} does not`,
      fix: "Install them into the user plugin directory ('memflow-ts pull <name>'), or add the directory to MEMFLOW_PLUGIN_PATH.",
    });
  }
  return findings;
}

/**
 * `memflow-ts doctor`'s checks, in one report: where each memflow generation looks and what is
 * there, then findings about the directories, rejected files, `.meta` sidecars, duplicates and
 * other users' plugin directories.
 */
import { pluginExtension } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../../io.ts";
import { scanCatalogue } from "../scan-context.ts";
import { directoryFindings } from "./directory-findings.ts";
import { duplicateFindings } from "./duplicate-findings.ts";
import { type Finding, sortFindings } from "./finding.ts";
import { metaFindings, missingMetaFinding, orphanMetaFindings } from "./meta-findings.ts";
import { type AccountSources, otherUserFindings } from "./other-users.ts";
import { rejectionFindings } from "./rejection-findings.ts";
import { CURRENT_RUNTIME, type RuntimeSearch, runtimeSearches } from "./search-paths.ts";

export interface DoctorReport {
  readonly runtimes: readonly RuntimeSearch[];
  /** Plugins (descriptors) the memflow 0.2.4 scan accepts. */
  readonly plugins: number;
  readonly findings: readonly Finding[];
  /** False when a finding is an error: something installed will not load. */
  readonly ok: boolean;
}

export function runDoctor(context: CliContext, sources: AccountSources): DoctorReport {
  const inventory = scanCatalogue(context);
  const runtimes = runtimeSearches(context);
  const entries = inventory.plugins().filter((entry) => entry.origin === "file");
  const rejections = inventory.rejected();

  // .meta sidecars of every file that is (or might be, but for its .meta) a plugin.
  const candidates = new Set([
    ...entries.map((entry) => entry.path),
    ...rejections.filter((rejected) => rejected.error.kind === "UnableToReadFile").map((rejected) => rejected.path),
  ]);
  const meta = [...candidates].flatMap(metaFindings);
  const metaProblems = new Set(meta.filter((finding) => finding.severity === "error").flatMap((f) => f.path ?? []));

  const extension = pluginExtension(context.platform);
  const current = runtimes.find((runtime) => runtime.runtime === CURRENT_RUNTIME)?.directories ?? [];
  const findings: Finding[] = [
    ...directoryFindings(runtimes),
    ...rejectionFindings(rejections, inventory.host, metaProblems),
    ...meta,
    ...entries.flatMap((entry) => missingMetaFinding(entry) ?? []),
    ...current.flatMap((directory) => orphanMetaFindings(directory, extension)),
    ...duplicateFindings(entries),
    ...otherUserFindings(context, sources, inventory),
  ];
  const plugins = entries.reduce((count, entry) => count + entry.descriptors.length, 0);
  if (plugins === 0 && !findings.some((finding) => finding.code === "root-misses-user-plugins")) {
    findings.push({
      severity: "warning",
      code: "no-plugins",
      message: "memflow finds no plugins here",
      fix: "Install one with 'memflow-ts pull <name>' (e.g. memflow-ts pull qemu), or set MEMFLOW_PLUGIN_PATH to a directory with plugins.",
    });
  }
  const sorted = sortFindings(findings);
  return { runtimes, plugins, findings: sorted, ok: !sorted.some((finding) => finding.severity === "error") };
}

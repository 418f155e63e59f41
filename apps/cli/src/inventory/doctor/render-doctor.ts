/**
 * The doctor's report as text: the directories per memflow generation, then the findings. Paths,
 * names and versions in them come from plugin folders and files: every line is escaped.
 */
import { printable } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../../io.ts";
import { colorEnabled, paint } from "../../output.ts";
import { plural } from "../describe.ts";
import type { Finding } from "./finding.ts";
import type { DoctorReport } from "./run-doctor.ts";
import type { SearchedDirectory } from "./search-paths.ts";

function directoryState(directory: SearchedDirectory): string {
  if (directory.error !== undefined) return `unreadable: ${directory.error}`;
  if (!directory.exists) return "does not exist";
  return directory.pluginFiles.length === 0 ? "no plugin files" : plural(directory.pluginFiles.length, "plugin file");
}

function findingLines(finding: Finding, color: boolean): string {
  const marker =
    finding.severity === "error"
      ? paint(color, "[X]", "bold", "red")
      : finding.severity === "warning"
        ? paint(color, "[-]", "bold", "yellow")
        : paint(color, "[-]", "dim");
  const label = finding.severity === "error" ? "" : `${finding.severity}: `;
  const fix = finding.fix === undefined ? "" : `    ${paint(color, "fix:", "bold")} ${printable(finding.fix)}\n`;
  return `${marker} ${label}${printable(finding.message)}\n${fix}`;
}

export function renderDoctor(context: CliContext, report: DoctorReport, quiet: boolean): string {
  const color = colorEnabled(context.stdout, context.env);
  const findings = quiet ? report.findings.filter((finding) => finding.severity !== "note") : report.findings;
  const lines: string[] = [];
  if (!quiet) {
    for (const runtime of report.runtimes) {
      lines.push(`${paint(color, runtime.runtime, "bold")} looks in, in order:\n`);
      const width = Math.max(...runtime.directories.map((directory) => directory.path.length));
      for (const [index, directory] of runtime.directories.entries()) {
        const state = directoryState(directory);
        lines.push(
          `  ${index + 1}. ${printable(directory.path.padEnd(width))}  ${directory.source}: ${printable(state)}\n`,
        );
      }
      lines.push("     then the MEMFLOW_PLUGIN_PATH the program was compiled with, if any\n");
    }
    lines.push(`\nmemflow 0.2.4 finds ${plural(report.plugins, "plugin")} ('memflow-ts list' shows them).\n\n`);
  }
  for (const finding of findings) lines.push(findingLines(finding, color));
  if (!quiet) {
    const errors = report.findings.filter((finding) => finding.severity === "error").length;
    const warnings = report.findings.filter((finding) => finding.severity === "warning").length;
    if (report.findings.length > 0) lines.push("\n");
    lines.push(
      errors === 0 && warnings === 0
        ? `${paint(color, "[=]", "bold", "green")} no problems found\n`
        : `${plural(errors, "problem")} that keep plugins from loading, ${plural(warnings, "warning")}.\n`,
    );
  }
  return lines.join("");
}

/**
 * The same plugin name in several files: memflow uses the newest by `created_at` (from the
 * `.meta`, else the file's creation time) whatever its version; memflow-ts breaks ties by path.
 * A warning when an older version wins, a note otherwise.
 */
import type { PluginEntry } from "@memflow-ts/core/catalogue";
import type { Finding } from "./finding.ts";

/** Compares dotted versions numerically part by part (`0.2.10` > `0.2.9`); text parts as text. */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.+-]/);
  const left = parts(a);
  const right = parts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const x = left[index] ?? "0";
    const y = right[index] ?? "0";
    const difference = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

function createdAtSource(entry: PluginEntry): string {
  switch (entry.createdAtSource) {
    case "meta":
      return "from its .meta";
    case "birthtime":
      return "the file's creation time, no .meta";
    case "mtime":
      return "the file's modification time, no .meta";
  }
}

interface Candidate {
  readonly entry: PluginEntry;
  readonly version: string;
}

export function duplicateFindings(entries: readonly PluginEntry[]): Finding[] {
  const groups = new Map<string, { kind: string; name: string; candidates: Candidate[] }>();
  for (const entry of entries) {
    for (const descriptor of entry.descriptors) {
      const key = `${descriptor.plugin_kind}\u0000${descriptor.name}`;
      const group = groups.get(key) ?? { kind: descriptor.plugin_kind, name: descriptor.name, candidates: [] };
      group.candidates.push({ entry, version: descriptor.version });
      groups.set(key, group);
    }
  }
  const findings: Finding[] = [];
  for (const { kind, name, candidates } of groups.values()) {
    const [winner, ...shadowed] = candidates;
    if (winner === undefined || shadowed.length === 0) continue;
    const newer = shadowed.filter((candidate) => compareVersions(candidate.version, winner.version) > 0);
    const tie = shadowed.some(
      (candidate) => candidate.entry.createdAt.nanoseconds === winner.entry.createdAt.nanoseconds,
    );
    const describe = (candidate: Candidate) =>
      `${candidate.entry.path} (${candidate.version}, created_at ${candidate.entry.createdAt.text})`;
    findings.push({
      severity: newer.length > 0 ? "warning" : "note",
      code: newer.length > 0 ? "older-version-wins" : "duplicate",
      path: winner.entry.path,
      message:
        `${kind} ${name} is in ${candidates.length} files; memflow uses ${winner.entry.path} ` +
        `(${winner.version}): its created_at ${winner.entry.createdAt.text} (${createdAtSource(winner.entry)}) is the newest` +
        `${tie ? " (equal timestamps: memflow-ts takes the first path in sort order, memflow any)" : ""}. ` +
        `Not used: ${shadowed.map(describe).join("; ")}` +
        (newer.length > 0
          ? `. A newer version (${newer.map((candidate) => candidate.version).join(", ")}) loses.`
          : ""),
      fix:
        newer.length > 0
          ? `Remove ${winner.entry.path} (or reinstall the version you want with 'memflow-ts pull ${name}') so that it is the newest.`
          : "Remove the files not used ('memflow-ts plugins clean' removes older installs).",
    });
  }
  return findings;
}

/**
 * What `memflow-ts doctor` reports: findings with a severity, a stable code for scripts, what
 * was found and what to do about it. `error` means memflow will not load something the user
 * installed; `warning` works but is likely not what was meant; `note` is for information.
 */

export type Severity = "error" | "warning" | "note";

export interface Finding {
  readonly severity: Severity;
  /** Stable identifier, e.g. `abi-mismatch`, `duplicate`, `meta-unparsable`. */
  readonly code: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix?: string;
  /** The file or directory concerned. */
  readonly path?: string;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Errors first, then warnings, then notes; otherwise in the order found. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => ORDER[a.finding.severity] - ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

/**
 * `describeOsPlugin(target, options)`: bun:test cases for the OS-plugin checks, one per check,
 * as `describePlugin` gives connectors. The checks run in child processes (`checkOsPluginFile`),
 * so a crash or a hang fails the check it happened in and the rest still report.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { type CheckOsPluginOptions, checkOsPluginFile } from "./check-os-plugin.ts";
import { OS_CHECKS } from "./os-checks.ts";
import { CHECK_TIMEOUT, type CheckReport } from "./run-checks.ts";

export interface OsPluginTarget {
  /** A plugin library file (.so, .dylib, .dll). */
  readonly path: string;
  /** Its OS plugin to check (default: its first). */
  readonly name?: string;
}

export function describeOsPlugin(target: OsPluginTarget, options: Omit<CheckOsPluginOptions, "name"> = {}): void {
  const skip = new Set(options.skip ?? []);
  const checks = OS_CHECKS.filter((check) => !skip.has(check.id));
  const title = `memflow OS plugin ${basename(target.path)}`;
  describe(title, () => {
    let reports: readonly CheckReport[] = [];
    beforeAll(
      async () => {
        reports = await checkOsPluginFile(target.path, { ...options, name: target.name });
      },
      // Every check may take up to its own timeout before it counts as hung.
      (options.timeout ?? CHECK_TIMEOUT) * checks.length,
    );
    for (const check of checks) {
      test(check.title, () => {
        const report = reports.find((candidate) => candidate.id === check.id);
        if (!report?.ok) throw new Error(report?.message ?? "the check did not run");
        expect(report.ok).toBe(true);
      });
    }
  });
}

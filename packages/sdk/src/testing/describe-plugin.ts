/**
 * `describePlugin(target, options)`: registers bun:test cases that check a connector plugin
 * against memflow's expectations. A native plugin (any language, Rust-built included) is
 * exercised in child processes: when it crashes, the check it crashed in fails with the signal,
 * and the remaining checks run in a fresh process.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { basename, join } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { CHECKS } from "./checks.ts";
import type { ChildJob } from "./child.ts";

export interface PluginTarget {
  /** A plugin library file (.so, .dylib, .dll) to test. */
  readonly path: string;
  /** The connector's name; default: the file's first connector descriptor. */
  readonly name?: string;
}

export interface DescribePluginOptions {
  /** Arguments the connector should start with; the first is used for the memory checks. */
  readonly sampleArgs?: readonly string[];
  /** Arguments that must be refused with a MemflowError. */
  readonly badArgs?: readonly string[];
  /** Memory is one linear range from 0 (default true). */
  readonly linear?: boolean;
  /** Create/drop cycles in the leak check (default 1000). */
  readonly cycles?: number;
  /** Checks to leave out, by id. */
  readonly skip?: readonly string[];
  /** Milliseconds each test may take (default 60 s). */
  readonly timeout?: number;
}

interface Outcome {
  ok: boolean;
  message: string;
}

const CHILD = join(import.meta.dir, "child.ts");

/** Runs the checks in child processes, restarting after a crash; never throws. */
async function runChecks(job: Omit<ChildJob, "checks">, checks: readonly string[]): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let remaining = [...checks];
  while (remaining.length > 0) {
    const child = Bun.spawn([process.execPath, CHILD, JSON.stringify({ ...job, checks: remaining })], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    let current: string | undefined;
    for (const line of stdout.split("\n")) {
      if (line.trim() === "") continue;
      const event = JSON.parse(line) as { start?: string; id?: string; ok?: boolean; message?: string };
      if (event.start !== undefined) current = event.start;
      else if (event.id !== undefined) {
        outcomes.set(event.id, { ok: event.ok === true, message: event.message ?? "" });
        current = undefined;
      }
    }
    const unfinished = remaining.filter((id) => !outcomes.has(id));
    if (unfinished.length === 0) break;
    const how = child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${exitCode}`;
    const culprit = current ?? unfinished[0] ?? "";
    const lastLines = stderr.trim().split("\n").slice(-3).join("\n");
    outcomes.set(culprit, {
      ok: false,
      message: `the plugin crashed: its test process ${how} during this check${lastLines ? `\n${lastLines}` : ""}`,
    });
    remaining = unfinished.filter((id) => id !== culprit);
  }
  return outcomes;
}

export function describePlugin(target: PluginTarget, options: DescribePluginOptions = {}): void {
  const skip = new Set(options.skip ?? []);
  const checks = CHECKS.filter((check) => !skip.has(check.id));
  describe(`memflow plugin ${basename(target.path)}`, () => {
    let outcomes: Map<string, Outcome> | undefined;
    beforeAll(async () => {
      let name = target.name;
      if (name === undefined) {
        const descriptors = parseDescriptors(new Uint8Array(await Bun.file(target.path).arrayBuffer()));
        name = descriptors.find((descriptor) => descriptor.plugin_kind === "connector")?.name ?? "";
      }
      outcomes = await runChecks(
        {
          path: target.path,
          name,
          sampleArgs: options.sampleArgs ?? [],
          badArgs: options.badArgs ?? [],
          linear: options.linear ?? true,
          cycles: options.cycles ?? 1000,
        },
        checks.map((check) => check.id),
      );
    }, options.timeout ?? 60_000);

    for (const check of checks) {
      test(check.title, () => {
        const outcome = outcomes?.get(check.id) ?? { ok: false, message: "the check did not run" };
        if (!outcome.ok) throw new Error(outcome.message);
        expect(outcome.ok).toBe(true);
      });
    }
  });
}

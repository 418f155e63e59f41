/**
 * Running the conformance checks without bun:test: native plugins in child processes that are
 * restarted after a crash, TypeScript connectors in this process. `describePlugin` turns the
 * outcomes into test cases; `memflow-ts plugin test` prints them as a report.
 */
import { basename, join } from "node:path";
import { childModuleCommand, type Inventory } from "@memflow-ts/core";
import { firstPluginName } from "../script-plugins/file-descriptors.ts";
import { CHECKS, type CheckContext } from "./checks.ts";
import type { ChildJob, ChildTarget } from "./child.ts";

export interface Outcome {
  ok: boolean;
  message: string;
}

const CHILD = join(import.meta.dir, "child.ts");

/**
 * The last lines the test process printed before it died, without Bun's crash report: a crash
 * there is the plugin's (core reports it as such when it can), whatever Bun's report claims.
 */
function lastWords(stderr: string): string {
  const report = stderr.search(/^=+\nBun v/m);
  return (report < 0 ? stderr : stderr.slice(0, report)).trim().split("\n").slice(-3).join("\n");
}

/** What one child process printed, and how it ended. */
interface ChildRun {
  readonly stdout: string;
  readonly stderr: string;
  /** How it ended when it did not finish its checks: "was killed by SIGSEGV", "hung". */
  readonly how: string;
  readonly hung: boolean;
}

/**
 * Runs one child process, killing it when it prints nothing for `timeout` ms: every check prints
 * when it starts and when it ends, so silence that long is a check that hangs.
 */
async function runChild(job: ChildJob, timeout: number): Promise<ChildRun> {
  const { cmd, env } = childModuleCommand(CHILD, [JSON.stringify(job)]);
  const child = Bun.spawn(cmd, {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(child.stderr).text();
  let hung = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, timeout);
  };
  let stdout = "";
  const decoder = new TextDecoder();
  arm();
  for await (const chunk of child.stdout) {
    stdout += decoder.decode(chunk, { stream: true });
    arm();
  }
  clearTimeout(timer);
  const exitCode = await child.exited;
  const how = child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${exitCode}`;
  return { stdout, stderr: await stderr, how, hung };
}

/** Milliseconds a check may run before its plugin counts as hung (default of `runChecks`). */
export const CHECK_TIMEOUT = 60_000;

/** Runs the checks in child processes, restarting after a crash or a hang; never throws. */
export async function runChecks(
  target: ChildTarget,
  checks: readonly string[],
  timeout = CHECK_TIMEOUT,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let remaining = [...checks];
  while (remaining.length > 0) {
    const run = await runChild({ ...target, checks: remaining }, timeout);
    let current: string | undefined;
    for (const line of run.stdout.split("\n")) {
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
    const culprit = current ?? unfinished[0] ?? "";
    const plugin = basename(target.path);
    if (run.hung) {
      outcomes.set(culprit, {
        ok: false,
        message: `the plugin ${plugin} hung: this check gave no answer within ${timeout / 1000} s, so its test process was killed`,
      });
    } else {
      const lastLines = lastWords(run.stderr);
      outcomes.set(culprit, {
        ok: false,
        message: `the plugin crashed: its test process ${run.how} during this check (${plugin})${lastLines ? `\n${lastLines}` : ""}`,
      });
    }
    remaining = unfinished.filter((id) => id !== culprit);
  }
  return outcomes;
}

export interface ChildSettings {
  sampleArgs: readonly string[];
  badArgs: readonly string[];
  linear: boolean;
  cycles: number;
}

/** Runs checks here, for connectors that cannot crash the process (TypeScript ones). */
export function runInProcess(
  inventory: Inventory,
  name: string,
  settings: ChildSettings,
  checks: readonly string[],
): Map<string, Outcome> {
  const descriptors = inventory
    .plugins()
    .flatMap((entry) => entry.descriptors)
    .filter((descriptor) => descriptor.name === name);
  const context: CheckContext = { inventory, name, descriptors, ...settings };
  const outcomes = new Map<string, Outcome>();
  for (const id of checks) {
    const check = CHECKS.find((candidate) => candidate.id === id);
    if (!check) continue;
    try {
      outcomes.set(id, check.run(context));
    } catch (error) {
      outcomes.set(id, { ok: false, message: `threw ${String(error)}` });
    }
  }
  return outcomes;
}

export interface CheckReport {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface CheckPluginOptions {
  readonly name?: string;
  readonly sampleArgs?: readonly string[];
  readonly badArgs?: readonly string[];
  readonly linear?: boolean;
  readonly cycles?: number;
  readonly skip?: readonly string[];
  /** Milliseconds a check may run before the plugin counts as hung (default 60 s). */
  readonly timeout?: number;
}

/** Every check against a plugin file (a library or a `*.memflow.ts`), each in a child process; never throws for a bad plugin. */
export async function checkPluginFile(path: string, options: CheckPluginOptions = {}): Promise<CheckReport[]> {
  const skip = new Set(options.skip ?? []);
  const checks = CHECKS.filter((check) => !skip.has(check.id));
  const name = options.name ?? (await firstPluginName(path, "connector"));
  const outcomes = await runChecks(
    {
      path,
      name,
      sampleArgs: options.sampleArgs ?? [],
      badArgs: options.badArgs ?? [],
      linear: options.linear ?? true,
      cycles: options.cycles ?? 1000,
    },
    checks.map((check) => check.id),
    options.timeout,
  );
  return checks.map((check) => {
    const outcome = outcomes.get(check.id) ?? { ok: false, message: "the check did not run" };
    return { id: check.id, title: check.title, ...outcome };
  });
}

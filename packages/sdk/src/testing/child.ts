/**
 * Runs conformance checks against a native plugin in its own process, so that a crashing plugin
 * takes only this process down. Reads its job as JSON from argv[2]; writes one JSON line per
 * event to stdout: `{"start": id}` before a check, `{"id", "ok", "message"}` after it.
 */
import { dirname } from "node:path";
import { type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { Inventory } from "@memflow-ts/core";
import type { CheckResult } from "./check-result.ts";
import { CHECKS, type CheckSettings } from "./checks.ts";
import type { OsCheckSettings } from "./os-check-context.ts";
import { OS_CHECKS } from "./os-checks.ts";

/** The plugin file and what to check it as: a connector, or an OS plugin over an input connector. */
export type ChildTarget = { readonly path: string } & (
  | (CheckSettings & { readonly kind?: "connector" })
  | (OsCheckSettings & { readonly kind: "os" })
);

/** The ids of the checks to run. */
export type ChildJob = ChildTarget & { readonly checks: readonly string[] };

const job = JSON.parse(process.argv[2] ?? "{}") as ChildJob;
const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** The check with `id` bound to its context, for the job's kind. */
type Runner = (id: string) => (() => CheckResult) | undefined;

function runnerFor(inventory: Inventory, descriptors: PluginDescriptorInfo[]): Runner {
  if (job.kind === "os") {
    for (const directory of job.connectorDirectories) inventory.addDir(directory);
    const { path, checks, kind, ...settings } = job;
    const context = { ...settings, inventory, descriptors };
    return (id) => {
      const check = OS_CHECKS.find((candidate) => candidate.id === id);
      return check && (() => check.run(context));
    };
  }
  const { path, checks, kind, ...settings } = job;
  const context = { ...settings, inventory, descriptors };
  return (id) => {
    const check = CHECKS.find((candidate) => candidate.id === id);
    return check && (() => check.run(context));
  };
}

const inventory = Inventory.empty();
let runner: Runner | undefined;
try {
  inventory.addFile(job.path);
  runner = runnerFor(inventory, parseDescriptors(new Uint8Array(await Bun.file(job.path).arrayBuffer())));
} catch (error) {
  for (const id of job.checks)
    emit({ id, ok: false, message: `${job.path} (in ${dirname(job.path)}) cannot be used: ${String(error)}` });
}

if (runner) {
  for (const id of job.checks) {
    const run = runner(id);
    if (!run) continue;
    emit({ start: id });
    try {
      emit({ id, ...run() });
    } catch (error) {
      emit({ id, ok: false, message: `threw ${String(error)}` });
    }
  }
}

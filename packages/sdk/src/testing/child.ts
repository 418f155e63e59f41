/**
 * Runs conformance checks against a native plugin in its own process, so that a crashing plugin
 * takes only this process down. Reads its job as JSON from argv[2]; writes one JSON line per
 * event to stdout: `{"start": id}` before a check, `{"id", "ok", "message"}` after it.
 */
import { dirname } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { Inventory } from "@memflow-ts/core";
import { CHECKS, type CheckContext, type CheckSettings } from "./checks.ts";

export interface ChildJob extends CheckSettings {
  readonly path: string;
  /** The ids of the checks to run. */
  readonly checks: readonly string[];
}

const job = JSON.parse(process.argv[2] ?? "{}") as ChildJob;
const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

const inventory = Inventory.empty();
let context: CheckContext | undefined;
try {
  inventory.addFile(job.path);
  const { path, checks, ...settings } = job;
  context = {
    ...settings,
    inventory,
    descriptors: parseDescriptors(new Uint8Array(await Bun.file(path).arrayBuffer())),
  };
} catch (error) {
  for (const id of job.checks)
    emit({ id, ok: false, message: `${job.path} (in ${dirname(job.path)}) cannot be used: ${String(error)}` });
}

if (context) {
  for (const id of job.checks) {
    const check = CHECKS.find((candidate) => candidate.id === id);
    if (!check) continue;
    emit({ start: id });
    try {
      emit({ id, ...check.run(context) });
    } catch (error) {
      emit({ id, ok: false, message: `threw ${String(error)}` });
    }
  }
}

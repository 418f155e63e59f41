/**
 * The real memflow-built plugin in `../shared/fixtures/memflow/` (beside the repository, never
 * copied into it). Tests that read it skip with a message when it is absent, except under
 * CI=true, where an absent fixture is a failure: CI must exercise the one binary nobody on this
 * project built.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const MEMFLOW_DYLIB = join(
  import.meta.dir,
  "..",
  "..",
  "..",
  "shared",
  "fixtures",
  "memflow",
  "libmemflow_native.aarch64.dylib",
);

/** Whether memflow's dylib is there; `what` names the tests that need it in the skip message. */
export function requireMemflowDylib(what: string): boolean {
  if (existsSync(MEMFLOW_DYLIB)) return true;
  const message = `${MEMFLOW_DYLIB} is absent (it comes with ../shared/fixtures)`;
  if (process.env.CI === "true") throw new Error(`${message}; CI must run ${what}`);
  console.warn(`skipping ${what}: ${message}`);
  return false;
}

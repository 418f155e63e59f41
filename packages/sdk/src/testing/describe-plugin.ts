/**
 * `describePlugin(target, options)`: registers bun:test cases that check a connector against
 * memflow's expectations: a plugin file, a plugin in an inventory, or a TypeScript definition.
 * A native plugin (any language, Rust-built included) is exercised in child processes: when it
 * crashes, the check it crashed in fails with the signal, and the remaining checks run in a
 * fresh process. TypeScript connectors are checked in this process.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { type ConnectorDefinition, Inventory } from "@memflow-ts/core";
import { firstPluginName } from "../script-plugins/file-descriptors.ts";
import { CHECKS } from "./checks.ts";
import { type ChildSettings, type Outcome, runChecks, runInProcess } from "./run-checks.ts";

export type PluginTarget =
  /** A plugin library file (.so, .dylib, .dll) or a `*.memflow.ts` file; `name` defaults to its first connector. */
  | { readonly path: string; readonly name?: string }
  /** A connector an inventory knows by name (a file it scanned, or a registered definition). */
  | { readonly inventory: Inventory; readonly name: string }
  /** A TypeScript connector definition. */
  | { readonly definition: ConnectorDefinition };

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

function title(target: PluginTarget): string {
  if ("definition" in target) return `memflow connector ${target.definition.name} (TypeScript)`;
  if ("inventory" in target) return `memflow connector ${target.name}`;
  return `memflow plugin ${basename(target.path)}`;
}

export function describePlugin(target: PluginTarget, options: DescribePluginOptions = {}): void {
  const skip = new Set(options.skip ?? []);
  const checks = CHECKS.filter((check) => !skip.has(check.id));
  const settings: ChildSettings = {
    sampleArgs: options.sampleArgs ?? [],
    badArgs: options.badArgs ?? [],
    linear: options.linear ?? true,
    cycles: options.cycles ?? 1000,
  };
  const ids = checks.map((check) => check.id);
  describe(title(target), () => {
    let outcomes: Map<string, Outcome> | undefined;
    beforeAll(async () => {
      if ("definition" in target) {
        outcomes = runInProcess(Inventory.empty().register(target.definition), target.definition.name, settings, ids);
        return;
      }
      let path: string;
      let name: string | undefined;
      if ("inventory" in target) {
        const { entry } = target.inventory.find("connector", target.name);
        if (entry.origin === "builtin") {
          outcomes = runInProcess(target.inventory, target.name, settings, ids);
          return;
        }
        path = entry.path;
        name = target.name;
      } else {
        path = target.path;
        name = target.name;
      }
      name ??= await firstPluginName(path, "connector");
      outcomes = await runChecks({ path, name, ...settings }, ids);
    }, options.timeout ?? 60_000);

    for (const check of checks) {
      test(check.title, () => {
        const outcome = outcomes?.get(check.id) ?? { ok: false, message: "the check did not run" };
        if (!outcome.ok) throw new Error(outcome.message);
        // The one finding that is not pass/fail: whether clones share memory.
        if (check.id === "clone") console.log(`${title(target)}: ${outcome.message}`);
        expect(outcome.ok).toBe(true);
      });
    }
  });
}

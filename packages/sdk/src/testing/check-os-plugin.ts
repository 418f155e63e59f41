/**
 * `checkOsPluginFile(path, options)`: the OS-plugin checks against a plugin file, each in a child
 * process (a crash or a hang fails the check it happened in, and the rest carry on), over an
 * input connector named as a chain step — by default the SDK's bundled dummy connector.
 */
import { parseDescriptors } from "@memflow-ts/analyzer";
import { bundledPluginDirectory } from "../bundled-plugins.ts";
import { OS_CHECKS } from "./os-checks.ts";
import { CHECK_TIMEOUT, type CheckReport, runChecks } from "./run-checks.ts";

/**
 * The default input: the bundled dummy connector, 8 MiB (memflow's dummy default of 2 MiB is too
 * small for OS plugins that keep their layout above 2 MiB, such as core's testos).
 */
export const DEFAULT_INPUT_CONNECTOR = "dummy::size=8m";

export interface CheckOsPluginOptions {
  /** The OS plugin of the file to check (default: its first). */
  readonly name?: string;
  /** The input connector as a chain step, `name:target:args` (default `DEFAULT_INPUT_CONNECTOR`). */
  readonly connector?: string;
  /** Plugin folders the input connector is found in (default: the bundled dummy connector's, built on demand). */
  readonly connectorDirectories?: readonly string[];
  /** Arguments the OS should start with (`target:extra`, e.g. `:procs=3`); the first is used by the checks. */
  readonly sampleArgs?: readonly string[];
  /** Open/close cycles of each order in the leak check (default 50). */
  readonly cycles?: number;
  readonly skip?: readonly string[];
  /** Milliseconds a check may run before the plugin counts as hung (default 60 s). */
  readonly timeout?: number;
}

/** Every OS check against a plugin file; never throws for a bad plugin. */
export async function checkOsPluginFile(path: string, options: CheckOsPluginOptions = {}): Promise<CheckReport[]> {
  const skip = new Set(options.skip ?? []);
  const checks = OS_CHECKS.filter((check) => !skip.has(check.id));
  const name =
    options.name ??
    parseDescriptors(new Uint8Array(await Bun.file(path).arrayBuffer())).find(
      (descriptor) => descriptor.plugin_kind === "os",
    )?.name ??
    "";
  const outcomes = await runChecks(
    {
      kind: "os",
      path,
      name,
      connector: options.connector ?? DEFAULT_INPUT_CONNECTOR,
      connectorDirectories: options.connectorDirectories ?? [bundledPluginDirectory("dummy")],
      sampleArgs: options.sampleArgs ?? [],
      cycles: options.cycles ?? 50,
    },
    checks.map((check) => check.id),
    options.timeout ?? CHECK_TIMEOUT,
  );
  return checks.map((check) => {
    const outcome = outcomes.get(check.id) ?? { ok: false, message: "the check did not run" };
    return { id: check.id, title: check.title, ...outcome };
  });
}

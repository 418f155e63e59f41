/**
 * Build steps and chains from CLI-style arguments (memflow's builder.rs): `-c qemu -o win32`,
 * `-c kvm:::cache=true`, nested `-c qemu -o linux -c qemu -o win32`. Steps are ordered by their
 * position on the command line; a connector must be followed by an OS and an OS by a connector.
 */
import { type ConnectorArgs, type OsArgs, parseConnectorArgs, parseOsArgs } from "./args/connector-args.ts";
import type { WantedPlugin } from "./catalogue/wanted-plugins.ts";
import { MemflowError } from "./error.ts";

export type BuildStep =
  | { readonly kind: "connector"; readonly name: string; readonly args: ConnectorArgs | undefined }
  | { readonly kind: "os"; readonly name: string; readonly args: OsArgs | undefined };

/** A value given on the command line, with its position (argv index) for ordering. */
export type PositionedValue = readonly [position: number, value: string];

/** Splits `name[:args]` at the first `:` (not quote-aware, as memflow); no args → undefined. */
function splitStep(input: string): [string, string] {
  const colon = input.indexOf(":");
  return colon < 0 ? [input, ""] : [input.slice(0, colon), input.slice(colon + 1)];
}

/** `BuildStep::new_connector`: fails only on bad middleware arguments. */
export function connectorStep(input: string): BuildStep {
  const step = splitStep(input);
  const rest = step[1];
  return { kind: "connector", name: step[0], args: rest === "" ? undefined : parseConnectorArgs(rest) };
}

export function osStep(input: string): BuildStep {
  const step = splitStep(input);
  const rest = step[1];
  return { kind: "os", name: step[0], args: rest === "" ? undefined : parseOsArgs(rest) };
}

/**
 * The plugins `-c`/`-o` values name, without parsing their arguments (which may be wrong: the
 * chain reports that when it is built): what a catalogue scan can look for (wanted-plugins.ts).
 */
export function chainPlugins(
  connectors: readonly PositionedValue[],
  osLayers: readonly PositionedValue[],
): WantedPlugin[] {
  // Loops, no map, spread or destructuring (each an iterating builtin compiled on its first call):
  // every chain command runs this and orderedSteps once, cold (decision 0007).
  const wanted: WantedPlugin[] = [];
  for (let index = 0; index < connectors.length; index += 1)
    wanted.push({ kind: "connector", name: splitStep((connectors[index] as PositionedValue)[1])[0] });
  for (let index = 0; index < osLayers.length; index += 1)
    wanted.push({ kind: "os", name: splitStep((osLayers[index] as PositionedValue)[1])[0] });
  return wanted;
}

function orderedSteps(connectors: readonly PositionedValue[], osLayers: readonly PositionedValue[]): BuildStep[] {
  const steps: { position: number; step: BuildStep }[] = [];
  for (let index = 0; index < connectors.length; index += 1) {
    const value = connectors[index] as PositionedValue;
    steps.push({ position: value[0], step: connectorStep(value[1]) });
  }
  for (let index = 0; index < osLayers.length; index += 1) {
    const value = osLayers[index] as PositionedValue;
    steps.push({ position: value[0], step: osStep(value[1]) });
  }
  // By position, stably (as Rust's sort_by): an insertion sort, as a chain has a few steps.
  for (let index = 1; index < steps.length; index += 1) {
    const moving = steps[index] as { position: number; step: BuildStep };
    let at = index;
    for (; at > 0 && (steps[at - 1] as { position: number }).position > moving.position; at -= 1)
      steps[at] = steps[at - 1] as { position: number; step: BuildStep };
    steps[at] = moving;
  }
  for (let index = 1; index < steps.length; index += 1) {
    if (steps[index - 1]?.step.kind === steps[index]?.step.kind) {
      throw new MemflowError(
        "Other",
        "ArgValidation",
        "invalid builder configuration, build steps cannot be used in the given order",
      );
    }
  }
  const ordered = new Array<BuildStep>(steps.length);
  for (let index = 0; index < steps.length; index += 1) ordered[index] = (steps[index] as { step: BuildStep }).step;
  return ordered;
}

/** The steps, when the last is of `kind`; memflow's configuration error otherwise. */
function endingWith(kind: BuildStep["kind"], steps: readonly BuildStep[]): readonly BuildStep[] {
  if (steps[steps.length - 1]?.kind !== kind) {
    throw new MemflowError(
      "Other",
      "ArgValidation",
      `invalid builder configuration, last build step has to be a ${kind === "connector" ? "connector" : "os"}`,
    );
  }
  return steps;
}

/** A sequence of steps: what a builder runs. */
abstract class Chain {
  readonly steps: readonly BuildStep[];

  protected constructor(steps: readonly BuildStep[]) {
    this.steps = steps;
  }
}

/** A sequence of steps whose last is a connector: builds a connector. */
export class ConnectorChain extends Chain {
  static fromSteps(steps: readonly BuildStep[]): ConnectorChain {
    return new ConnectorChain(endingWith("connector", steps));
  }

  static fromArgs(connectors: readonly PositionedValue[], osLayers: readonly PositionedValue[]): ConnectorChain {
    return ConnectorChain.fromSteps(orderedSteps(connectors, osLayers));
  }
}

/** A sequence of steps whose last is an OS: builds an OS. The first step may be an OS too (`native`). */
export class OsChain extends Chain {
  static fromSteps(steps: readonly BuildStep[]): OsChain {
    return new OsChain(endingWith("os", steps));
  }

  static fromArgs(connectors: readonly PositionedValue[], osLayers: readonly PositionedValue[]): OsChain {
    return OsChain.fromSteps(orderedSteps(connectors, osLayers));
  }
}

/**
 * Picks `-c/--connector` and `-o/--os` values out of command-line arguments, with their argv
 * positions, the way memflow's examples use clap's `indices_of`. `--connector=x` is accepted.
 */
export function chainArguments(argv: readonly string[]): {
  connectors: PositionedValue[];
  osLayers: PositionedValue[];
} {
  const connectors: PositionedValue[] = [];
  const osLayers: PositionedValue[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    const [flag, inline] =
      argument.startsWith("--") && argument.includes("=")
        ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)]
        : [argument, undefined];
    const target =
      flag === "-c" || flag === "--connector" ? connectors : flag === "-o" || flag === "--os" ? osLayers : undefined;
    if (target === undefined) continue;
    if (inline !== undefined) {
      target.push([index, inline]);
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined) {
      throw new MemflowError(
        "Other",
        "ArgValidation",
        `${flag} needs a value such as ${flag === "-c" || flag === "--connector" ? "qemu:win10" : "win32"}`,
      );
    }
    target.push([index + 1, value]);
    index += 1;
  }
  return { connectors, osLayers };
}

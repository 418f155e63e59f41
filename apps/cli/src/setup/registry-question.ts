/**
 * The wizard's registry question: the URL, then the registry asked which plugins it has for this
 * machine. A registry that cannot be reached is kept only when the user says so: otherwise the
 * question comes again, so a typo is never saved as the registry in config.json. The plugins it
 * offers become the options of the plugin question; their names, versions and descriptions come
 * from the registry and are escaped before clack draws them.
 */
import * as prompts from "@clack/prompts";
import { type Host, printable } from "@memflow-ts/core/plugin-files";
import { describeError } from "../error-report.ts";
import { registryUrlProblem } from "../registry/registry-url.ts";
import { type PluginChoice, registryChoices } from "./registry-choices.ts";

export interface PromptStreams {
  readonly input: NodeJS.ReadStream | undefined;
  readonly output: NodeJS.WriteStream | undefined;
}

export interface RegistryAnswer {
  readonly registry: string;
  /** What it offers this machine; empty when it could not be reached. */
  readonly choices: readonly PluginChoice[];
}

/** Throws the wizard's cancellation when the user pressed Ctrl-C. */
export type Answer = <T>(value: T) => Exclude<T, symbol>;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Asks for the registry until it answers, or the user keeps one that does not. */
export async function askRegistry(
  io: PromptStreams,
  answer: Answer,
  initial: string,
  host: Host,
): Promise<RegistryAnswer> {
  let registry = initial;
  for (;;) {
    registry = answer(
      await prompts.text({
        ...io,
        message: "Plugin registry",
        initialValue: registry,
        validate: (value) => registryUrlProblem(value?.trim() ?? ""),
      }),
    ).trim();
    const shown = printable(registry);
    const spin = prompts.spinner({ output: io.output });
    spin.start(`Asking ${shown} which plugins it has for this machine`);
    try {
      const found = await registryChoices(registry, host);
      const others = found.unavailable.length;
      spin.stop(
        `${shown} has ${plural(found.choices.length, "plugin")} for this machine` +
          (others > 0 ? ` (and ${others} built for others)` : ""),
      );
      return { registry, choices: found.choices };
    } catch (error) {
      // Even a bug here only costs the list: the message is all the wizard needs.
      spin.error(`Could not reach ${shown}: ${describeError(error).message}`);
    }
    const keep = answer(
      await prompts.confirm({
        ...io,
        message: `Save ${shown} as the registry although it could not be reached?`,
        active: "Yes, keep it",
        inactive: "No, enter it again",
        initialValue: false,
      }),
    );
    if (keep) return { registry, choices: [] };
  }
}

export interface PluginOption {
  value: string;
  label: string;
  hint: string;
}

/** The plugin question's options, by group; what the registry wrote is escaped, the value kept exact. */
export function pluginOptions(choices: readonly PluginChoice[]): Record<string, PluginOption[]> {
  const groups: Record<string, PluginOption[]> = {};
  for (const choice of choices) {
    const group = choice.kind === "connector" ? "Connectors" : "OS plugins";
    const members = groups[group] ?? [];
    groups[group] = members;
    members.push({
      value: choice.name,
      label: printable(`${choice.name}  ${choice.detail}`),
      hint: printable(choice.description),
    });
  }
  return groups;
}

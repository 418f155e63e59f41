/**
 * The first step of `explore`: a chain picked from the installed plugins, an OS plugin, the
 * connector under it (or none) and their arguments, opened; a chain that fails to open is
 * reported and asked for again. `-c`/`-o` on the command line skip the questions.
 */
import * as prompts from "@clack/prompts";
import type { Inventory, Os } from "@memflow-ts/core/inventory";
import { printable, printableLines } from "@memflow-ts/core/plugin-files";
import { failureText } from "../error-report.ts";
import { CliFailure } from "../failure.ts";
import { type ChainArguments, openOs } from "../inventory/memory-chain.ts";
import type { PromptAnswers } from "./prompt-answers.ts";

const NO_CONNECTOR = "";

/** `name::args` (memflow's `name:target:args`, no target), or the name alone. */
function chainValue(name: string, args: string): string {
  return args === "" ? name : `${name}::${args}`;
}

async function askChain(inventory: Inventory, ask: PromptAnswers): Promise<ChainArguments> {
  const osNames = inventory.availableOs();
  if (osNames.length === 0) {
    throw new CliFailure("no OS plugin is installed", [
      "'memflow-ts setup' builds and installs the dummy OS; 'memflow-ts list' shows what is found.",
    ]);
  }
  const os = await ask.answer(
    prompts.select({
      ...ask.io,
      message: "OS plugin",
      options: osNames.map((name) => ({ value: name, label: printable(name) })),
    }),
  );
  const connector = await ask.answer(
    prompts.select({
      ...ask.io,
      message: "Connector it reads (its physical memory)",
      options: [
        ...inventory.availableConnectors().map((name) => ({ value: name, label: printable(name) })),
        { value: NO_CONNECTOR, label: "none", hint: "for an OS plugin that needs no input" },
      ],
    }),
  );
  const argsOf = (what: string, example: string) =>
    ask.answer(
      prompts.text({ ...ask.io, message: `Arguments of ${what} (key=value,…; empty for none)`, placeholder: example }),
    );
  const connectorArgs = connector === NO_CONNECTOR ? "" : await argsOf(`connector ${printable(connector)}`, "size=4m");
  const osArgs = await argsOf(`os ${printable(os)}`, "procs=4,seed=7");
  return {
    connectors: connector === NO_CONNECTOR ? [] : [[0, chainValue(connector, connectorArgs.trim())]],
    osLayers: [[1, chainValue(os, osArgs.trim())]],
    rest: [],
  };
}

/** The OS of the chain given on the command line, or of one picked (asked again until one opens). */
export async function exploreChain(
  inventory: Inventory,
  given: ChainArguments | undefined,
  ask: PromptAnswers,
): Promise<Os> {
  if (given !== undefined) return openOs(inventory, given, "explore");
  for (;;) {
    const chain = await askChain(inventory, ask);
    try {
      return openOs(inventory, chain, "explore");
    } catch (error) {
      prompts.log.error(printableLines(failureText(error)), { output: ask.io.output });
    }
  }
}

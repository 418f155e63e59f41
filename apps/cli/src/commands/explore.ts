/**
 * `memflow-ts explore [-c <connector> -o <os>]`: an interactive browser on a terminal (clack):
 * pick a chain from the installed plugins (or give it with -c/-o), pick a process (type to
 * filter), pick a module, and page through its memory as a hexdump. Ctrl-C (or Escape) at any
 * question leaves cleanly: the process and the OS are closed and the exit code is 0. Without a
 * terminal it refuses: scripts use ps, modules and read -p.
 */
import * as prompts from "@clack/prompts";
import type { ModuleInfo, Os, Process, ProcessInfo } from "@memflow-ts/core/inventory";
import { printable } from "@memflow-ts/core/plugin-files";
import { type Command, UsageError } from "../command.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { logLevelFrom } from "../inventory/log-flags.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import { readPartial } from "../inventory/partial-read.ts";
import { canPrompt, ExitCode } from "../io.ts";
import { exploreChain } from "../os/explore-chain.ts";
import { osUsage, parseOsArgs } from "../os/os-command.ts";
import { stateText } from "../os/process-state.ts";
import { type PromptAnswers, PromptCancelled, promptAnswers } from "../os/prompt-answers.ts";

/** One screen of memory: 16 lines of 16 bytes. */
const PAGE = 0x100;

const USAGE = osUsage({
  command: "explore",
  operands: "",
  description: `Browses an OS interactively on a terminal: pick a chain from the installed plugins (or give
it with -c and -o), a process (type to filter), a module, then page through its memory.
Ctrl-C or Escape leaves. Without a terminal it refuses; scripts use ps, modules and read -p.`,
  json: "not taken: explore is interactive",
  example: "",
});

type Step = "process" | "module" | "quit";

async function pickProcess(os: Os, ask: PromptAnswers): Promise<ProcessInfo> {
  const processes = os.processInfoList();
  const index = await ask.answer(
    prompts.autocomplete({
      ...ask.io,
      message: `Process of os ${printable(os.name)} (type to filter)`,
      maxItems: 12,
      options: processes.map((info, at) => ({
        value: at,
        label: `${info.pid} ${printable(info.name)}`,
        hint: `${stateText(info.state)} ${printable(info.path)}`,
      })),
    }),
  );
  const info = processes[index];
  if (info === undefined) throw new UsageError("no process was picked");
  return info;
}

/** A module of the process, or undefined to go back to the processes. */
async function pickModule(process: Process, ask: PromptAnswers): Promise<ModuleInfo | undefined> {
  const modules = process.moduleList();
  const info = process.info();
  const index = await ask.answer(
    prompts.autocomplete({
      ...ask.io,
      message: `Module of ${printable(info.name)} (pid ${info.pid})`,
      maxItems: 12,
      options: [
        ...modules.map((module, at) => ({
          value: at,
          label: printable(module.name),
          hint: `${formatAddress(module.base)}, ${formatAddress(module.size)} bytes`,
        })),
        { value: -1, label: "← another process" },
      ],
    }),
  );
  return modules[index];
}

/** Pages through the module's memory from its base; returns where to go next. */
async function viewMemory(process: Process, module: ModuleInfo, ask: PromptAnswers): Promise<Step> {
  let address = module.base;
  for (;;) {
    const read = readPartial(process, address, PAGE);
    const offset = address - module.base;
    const title = `${printable(module.name)}+${formatAddress(offset)} (${formatAddress(address)})`;
    const missing = read.missing > 0 ? `\n${read.missing} bytes not mapped (??)` : "";
    prompts.log.message(`${title}\n${hexdump(read.bytes, address, read.gaps).trimEnd()}${missing}`, {
      output: ask.io.output,
    });
    const next = await ask.answer(
      prompts.select({
        ...ask.io,
        message: "Memory",
        options: [
          { value: "next", label: `next ${PAGE} bytes` },
          { value: "previous", label: `previous ${PAGE} bytes` },
          { value: "module", label: "another module" },
          { value: "process", label: "another process" },
          { value: "quit", label: "quit" },
        ],
      }),
    );
    if (next === "next") address += BigInt(PAGE);
    else if (next === "previous") address = address >= BigInt(PAGE) ? address - BigInt(PAGE) : 0n;
    else if (next === "module") return "module";
    else return next === "process" ? "process" : "quit";
  }
}

/** Processes, modules, memory, until the user quits. */
async function browse(os: Os, ask: PromptAnswers): Promise<void> {
  for (;;) {
    using process = os.processByInfo(await pickProcess(os, ask));
    for (;;) {
      const module = await pickModule(process, ask);
      if (module === undefined) break;
      const step = await viewMemory(process, module, ask);
      if (step === "quit") return;
      if (step === "process") break;
    }
  }
}

export const exploreCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { chain, values, positionals } = parseOsArgs(args, {});
    if (positionals.length > 0) throw new UsageError(`explore takes no arguments (got ${positionals.join(" ")})`);
    if (values.json === true) throw new UsageError("explore is interactive and prints no JSON; use ps --json");
    // canPrompt's answer is cheap and approximate; the streams themselves are the last word.
    if (!canPrompt(context) || context.terminal?.input.isTTY !== true || context.terminal.output.isTTY !== true) {
      throw new UsageError(
        "explore is interactive and needs a terminal; without one, use memflow-ts ps, modules, exports and read -p",
        { showUsage: false },
      );
    }
    const ask = promptAnswers(context);
    const given = chain.connectors.length + chain.osLayers.length > 0 ? chain : undefined;
    using inventory = openInventory(context, logLevelFrom(values));
    prompts.intro("memflow-ts explore", { output: ask.io.output });
    try {
      using os = await exploreChain(inventory, given, ask);
      await browse(os, ask);
      prompts.outro("Bye.", { output: ask.io.output });
    } catch (error) {
      if (!(error instanceof PromptCancelled)) throw error;
      prompts.cancel("Left explore; everything was closed.", { output: ask.io.output });
    }
    return ExitCode.ok;
  },
};

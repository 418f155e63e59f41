/**
 * `memflow-ts registry -r <url> ls|rm …`: memflowup defines `-r` on `registry` itself, so its
 * users write it before the subcommand. This takes that form and hands over to `registry ls` or
 * `registry rm` (which also take `-r` after the subcommand); with no subcommand it lists them
 * (memflowup panics there).
 */
import { type Command, UsageError } from "../command.ts";
import { registryLsCommand } from "./registry-ls.ts";
import { registryRmCommand } from "./registry-rm.ts";

const SUBCOMMANDS: Record<string, Command> = {
  ls: registryLsCommand,
  list: registryLsCommand,
  rm: registryRmCommand,
  remove: registryRmCommand,
};

const USAGE = `Usage: memflow-ts registry [-r <url>] <subcommand> …

Subcommands:
  ls, list      list the registry's plugins and their versions (memflow-ts registry ls --help)
  rm, remove    delete a plugin file from the registry (memflow-ts registry rm --help)

-r/--registry may come before the subcommand (memflowup's order) or after it.`;

/** Splits `-r URL`, `-rURL`, `--registry URL`, `--registry=URL` off the front of `args`. */
function leadingRegistry(args: readonly string[]): { registry: string[]; rest: readonly string[] } {
  const [first, second] = args;
  if (first === "-r" || first === "--registry") {
    if (second === undefined) throw new UsageError(`${first} needs a registry URL`);
    return { registry: ["--registry", second], rest: args.slice(2) };
  }
  if (first?.startsWith("--registry=")) return { registry: ["--registry", first.slice(11)], rest: args.slice(1) };
  if (first?.startsWith("-r") && first.length > 2)
    return { registry: ["--registry", first.slice(2)], rest: args.slice(1) };
  return { registry: [], rest: args };
}

export const registryCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { registry, rest } = leadingRegistry(args);
    const [name, ...remaining] = rest;
    if (name === undefined) throw new UsageError("registry needs a subcommand: ls or rm");
    const command = SUBCOMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown registry subcommand '${name}' (ls or rm)`);
    // The flag goes first, so a -r given after the subcommand as well wins, as the later flag does.
    return command.run([...registry, ...remaining], context);
  },
};

/**
 * Command dispatch. Takes the arguments after the program name and a context, returns the
 * exit code; it never touches `process` itself. Command modules load lazily, so `memflow-ts
 * plugins ls` pays only for what it uses. Whatever a command throws is reported here, once,
 * by `error-report.ts` (loaded only then), a closed stdout included.
 */
import { type CommandEntry, UsageError } from "./command.ts";
import { type CommandGroup, COMMAND_GROUPS as GROUPS } from "./commands/command-list.ts";
import { type CliContext, ExitCode } from "./io.ts";
import { VERSION_FLAGS } from "./version-flags.ts";

/** Every command, in list order; loops rather than `flatMap`, a cold builtin at start-up (decision 0007). */
const ALL: CommandEntry[] = [];
for (let index = 0; index < GROUPS.length; index += 1) {
  const commands = (GROUPS[index] as CommandGroup).commands;
  for (let entry = 0; entry < commands.length; entry += 1) ALL.push(commands[entry] as CommandEntry);
}

/**
 * package.json's version, put in by the executables' build (`define` in
 * tooling/scripts/build-bin.ts), where loading a module of its own costs `--version` a sixth of
 * its time; undefined from sources.
 */
declare const MEMFLOW_TS_CLI_VERSION: string | undefined;

/** The version, read from package.json when it is printed: other commands do not load it. */
async function cliVersion(): Promise<string> {
  if (typeof MEMFLOW_TS_CLI_VERSION === "string") return MEMFLOW_TS_CLI_VERSION;
  return (await import("./version.ts")).CLI_VERSION;
}

function help(version: string): string {
  const lines = [
    `memflow-ts ${version}: install, inspect and run memflow plugins`,
    "",
    "Usage: memflow-ts <command> [options]",
  ];
  for (const group of GROUPS) {
    if (group.commands.length === 0) continue;
    lines.push("", `${group.title}:`);
    for (const entry of group.commands) lines.push(`  ${entry.path.join(" ").padEnd(18)} ${entry.summary}`);
  }
  lines.push(
    "",
    "Options:",
    "  -h, --help     show help (also after a command: memflow-ts pull --help)",
    "  -V, --version  print the version",
    "  --debug        on an error, also print where it happened (stack traces); MEMFLOW_TS_DEBUG=1 too",
    "",
    "Exit codes: 0 ok, 1 failed, 2 usage error, 141 output closed by its reader (| head),",
    "128+N a plugin crashed the process with signal N (139: SIGSEGV; stderr names the plugin).",
    "",
  );
  return lines.join("\n");
}

/** Whether `path` is the start of `args`. */
function startsWith(args: readonly string[], path: readonly string[]): boolean {
  for (let index = 0; index < path.length; index += 1) if (args[index] !== path[index]) return false;
  return true;
}

/** The entry whose name (or alias) is the longest prefix of `args`, and how many words it used. */
function resolve(args: readonly string[]): { entry: CommandEntry; used: number } | undefined {
  let best: { entry: CommandEntry; used: number } | undefined;
  for (let index = 0; index < ALL.length; index += 1) {
    const entry = ALL[index] as CommandEntry;
    const aliases = entry.aliases ?? [];
    for (let spelling = -1; spelling < aliases.length; spelling += 1) {
      const path = spelling < 0 ? entry.path : (aliases[spelling] as readonly string[]);
      if (path.length > (best?.used ?? 0) && startsWith(args, path)) best = { entry, used: path.length };
    }
  }
  return best;
}

/** memflowup's global flag; the connectors' CI passes it. There is no update check to skip here. */
const SKIP_VERSION_CHECK = "--skip-version-check";
const DEBUG = "--debug";

/**
 * The global flags, taken out of the arguments: `--skip-version-check` first (memflowup's place)
 * and `--debug` anywhere before a `--`, so it can be added at the end of any command line.
 */
function globalFlags(argv: readonly string[]): { args: readonly string[]; debug: boolean } {
  const rest = argv[0] === SKIP_VERSION_CHECK ? argv.slice(1) : argv;
  const end = rest.indexOf("--");
  const flags = end < 0 ? rest : rest.slice(0, end);
  if (!flags.includes(DEBUG)) return { args: rest, debug: false };
  return { args: [...flags.filter((arg) => arg !== DEBUG), ...(end < 0 ? [] : rest.slice(end))], debug: true };
}

export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const { args, debug } = globalFlags(argv);
  let usage: string | undefined;
  try {
    const [first] = args;
    // `help` alone is the command list; `help <plugin>` is a plugin's help text.
    if (first === undefined || (first === "help" && args.length === 1) || first === "-h" || first === "--help") {
      context.stdout.write(help(await cliVersion()));
      return ExitCode.ok;
    }
    if (VERSION_FLAGS.includes(first)) {
      context.stdout.write(`${await cliVersion()}\n`);
      return ExitCode.ok;
    }
    const found = resolve(args);
    if (found === undefined) throw unknownCommand(first);
    const command = await found.entry.load();
    usage = command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`;
    const rest = args.slice(found.used);
    if (rest.includes("--help") || rest.includes("-h")) {
      context.stdout.write(usage);
      return ExitCode.ok;
    }
    return await command.run(rest, context);
  } catch (error) {
    const { reportError } = await import("./error-report.ts");
    return reportError(context, error, { usage, debug: debug || context.env.MEMFLOW_TS_DEBUG === "1" });
  }
}

/** A group name alone (`memflow-ts plugins`) lists its subcommands; any other word is unknown. */
function unknownCommand(first: string): UsageError {
  const group = ALL.filter((entry) => entry.path[0] === first && entry.path.length > 1);
  if (group.length > 0) {
    return new UsageError(`'${first}' needs a subcommand:`, {
      hints: group.map((entry) => `${entry.path.join(" ").padEnd(18)} ${entry.summary}`),
    });
  }
  return new UsageError(`unknown command '${first}'`, { hints: ["Run 'memflow-ts --help' for the list of commands."] });
}

/**
 * Command dispatch. Takes the arguments after the program name and a context, returns the
 * exit code; it never touches `process` itself.
 */
import { runDemo } from "./commands/demo.ts";
import { type CliContext, ExitCode } from "./io.ts";
import { CLI_VERSION } from "./version.ts";

const HELP = `memflow-ts ${CLI_VERSION}: install, inspect and run memflow plugins

Usage: memflow-ts <command> [options]

Commands:
  demo        scan the plugin directories memflow searches and show what is there
  help        show this help

Options:
  -h, --help     show this help
  -V, --version  print the version
`;

export async function runCli(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const [command, ...rest] = args;
  if (command === undefined || command === "help" || command === "-h" || command === "--help") {
    context.stdout.write(HELP);
    return ExitCode.ok;
  }
  if (command === "-V" || command === "--version") {
    context.stdout.write(`${CLI_VERSION}\n`);
    return ExitCode.ok;
  }
  if (command === "demo") {
    if (rest.length > 0) return usageError(context, `demo takes no arguments (got ${rest.join(" ")})`);
    return runDemo(context);
  }
  return usageError(context, `unknown command '${command}'`);
}

function usageError(context: CliContext, message: string): ExitCode {
  context.stderr.write(`[X] ${message}\n    Run 'memflow-ts --help' for the list of commands.\n`);
  return ExitCode.usage;
}

/**
 * `memflow-ts help <plugin>`: the help text a plugin gives about itself (memflow's
 * `connector_help` / `os_help`), for a connector, an OS plugin, or both when both kinds carry
 * the name. Loads the plugin library; runs none of its `create`.
 */
import type { PluginKind } from "@memflow-ts/analyzer";
import { type Inventory, MemflowError, type PluginMatch } from "@memflow-ts/core/inventory";
import { printable, printableLines } from "@memflow-ts/core/plugin-files";
import { type Command, UsageError } from "../command.ts";
import { reportFailure } from "../error-report.ts";
import { descriptorTitle } from "../inventory/describe.ts";
import { parseNamedListing } from "../inventory/listing-flags.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts help <plugin> [--json] [--quiet]

Prints the help text of a connector or OS plugin, as the plugin gives it: its arguments and
what they do. Use the arguments as -c <name>:<target>:<key=value,...> (connectors) or
-o <name>:<target>:<key=value,...> (OS plugins).

Options:
  --json       print [{ "kind", "name", "version", "path", "help" | "error" }]
  -q, --quiet  only the help text
`;

function findKind(inventory: Inventory, kind: PluginKind, name: string): PluginMatch | undefined {
  try {
    return inventory.find(kind, name);
  } catch (error) {
    if (error instanceof MemflowError && error.kind === "PluginNotFound") return undefined;
    throw error;
  }
}

/**
 * A name that is no plugin: most likely a command's name or a typo, so a usage error. Files the
 * scan skipped that may have been the plugin are named with why (core's rule for which).
 */
function notFound(inventory: Inventory, name: string): UsageError {
  const list = (names: string[]) => (names.length === 0 ? "none" : names.join(", "));
  const skipped = new Set(
    (["connector", "os"] as const)
      .flatMap((kind) => inventory.catalogue.rejectedCandidates(kind, name))
      .map((rejected) => `skipped: ${rejected.path} (${rejected.error.detail ?? rejected.error.message})`),
  );
  return new UsageError(`no connector or os plugin named ${name}`, {
    hints: [
      `connectors: ${list(inventory.availableConnectors())}; os plugins: ${list(inventory.availableOs())}`,
      ...skipped,
      "'memflow-ts list --rejected' shows the plugins found and the files skipped; a command's options: memflow-ts <command> --help",
    ],
    showUsage: false,
  });
}

type HelpResult = { match: PluginMatch; help: string } | { match: PluginMatch; error: MemflowError };

export const pluginHelpCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { name, json, quiet } = parseNamedListing(args, "help", "plugin name", "dummy");
    using inventory = openInventory(context, "error");
    const matches = (["connector", "os"] as const).flatMap((kind) => findKind(inventory, kind, name) ?? []);
    if (matches.length === 0) throw notFound(inventory, name);
    const results = matches.map((match): HelpResult => {
      const kind = match.descriptor.plugin_kind;
      try {
        const help = kind === "connector" ? inventory.connectorHelp(name) : inventory.osHelp(name);
        return { match, help };
      } catch (error) {
        if (error instanceof MemflowError) return { match, error };
        throw error;
      }
    });
    if (json) {
      printer(context).json(
        results.map(({ match, ...result }) => ({
          kind: match.descriptor.plugin_kind,
          name: match.descriptor.name,
          version: match.descriptor.version,
          path: match.entry.path,
          ...("help" in result ? { help: result.help } : { error: result.error.message }),
        })),
      );
      return results.every((result) => "help" in result) ? ExitCode.ok : ExitCode.failed;
    }
    const out = printer(context, { quiet });
    let failed = false;
    for (const [index, result] of results.entries()) {
      if (index > 0) out.line();
      out.line(printable(`${descriptorTitle(result.match.descriptor)} (${result.match.entry.path})`));
      if ("help" in result) {
        const help = printableLines(result.help);
        context.stdout.write(help.endsWith("\n") ? help : `${help}\n`);
      } else {
        reportFailure(out, context, result.error);
        failed = true;
      }
    }
    return failed ? ExitCode.failed : ExitCode.ok;
  },
};

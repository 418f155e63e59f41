/**
 * `memflow-ts registry ls`: a registry's plugins (NAME, DESCRIPTION), the newest variant of each
 * for this machine (`-l`), or the variants of one plugin (`<name>`), in memflowup's columns.
 */
import { hostFor, hostLabel, targetLabel } from "@memflow-ts/core/plugin-files";
import type { PluginVariant } from "@memflow-ts/core/registry";
import { mapBounded } from "../bounded.ts";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { JSON_FLAG, QUIET_FLAG, REGISTRY_FLAG } from "../common-flags.ts";
import { effectiveRegistry, readConfig } from "../config/memflowup-config.ts";
import { withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { createdLabel, note, shortDigest, VERSION_COLUMNS, VERSION_HEADER } from "../listing.ts";
import { formatTable, printer } from "../output.ts";
import { RegistryClient } from "../registry/registry-client.ts";

const USAGE = `Usage: memflow-ts registry ls [<name>] [options]
       memflow-ts registry -r <url> ls [<name>] [options]

Without a name: every plugin of the registry with its description. With -l: the newest
variant of each plugin for this machine. With a name: its variants, newest first.

Options:
  -l, --versions         one line per plugin with its newest version
  -a, --all-archs        variants for every file type and architecture (also --all-architectures)
      --limit <n>        how many variants of <name> to list (default 25; registries send at most 50)
  -r, --registry <url>   registry to list (default: config, else https://registry.memflow.io)
      --json             print JSON instead of a table
  -q, --quiet            print only the table and failures`;

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 25;
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit takes a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}

function variantRow(name: string, variant: PluginVariant): string[] {
  return [
    name,
    variant.descriptor.version,
    targetLabel(variant.descriptor),
    String(variant.descriptor.plugin_version),
    shortDigest(variant.digest),
    variant.digest,
    createdLabel(variant.created_at),
  ];
}

export const registryLsCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      versions: { type: "boolean", short: "l" },
      "all-archs": { type: "boolean", short: "a" },
      "all-architectures": { type: "boolean" },
      limit: { type: "string" },
      ...REGISTRY_FLAG,
      ...JSON_FLAG,
      ...QUIET_FLAG,
    });
    if (positionals.length > 1)
      throw new UsageError(`registry ls takes at most one plugin name (got ${positionals.join(" ")})`);
    const limit = parseLimit(values.limit);
    const quiet = values.quiet ?? false;
    const out = printer(context, { quiet });
    const target =
      values["all-archs"] || values["all-architectures"] ? undefined : hostFor(context.platform, context.arch);
    const [name] = positionals;

    return withErrorContext("Unable to list the registry", async () => {
      const client = new RegistryClient(effectiveRegistry(values.registry, readConfig(context)));
      if (name === undefined && !values.versions) {
        const plugins = await client.names();
        if (values.json) out.json(plugins);
        else
          context.stdout.write(
            formatTable([16], [["NAME", "DESCRIPTION"], ...plugins.map((p) => [p.name, p.description])]),
          );
        return ExitCode.ok;
      }
      let rows: { name: string; variant: PluginVariant }[];
      if (name !== undefined) {
        rows = (await client.variants(name, { target, limit })).map((variant) => ({ name, variant }));
        if (rows.length === 0) {
          const where = target === undefined ? "" : ` for ${hostLabel(target)}; -a lists every architecture`;
          note(context.stderr, quiet, `${client.url} has no variant of \`${name}\`${where}`);
        }
      } else {
        const names = (await client.names()).map((plugin) => plugin.name);
        const newest = await mapBounded(names, 4, (plugin) => client.variants(plugin, { target, limit: 1 }));
        rows = names.flatMap((plugin, index) => (newest[index] ?? []).map((variant) => ({ name: plugin, variant })));
      }
      if (values.json) out.json(rows.map((row) => row.variant));
      else
        context.stdout.write(
          formatTable(VERSION_COLUMNS, [[...VERSION_HEADER], ...rows.map((row) => variantRow(row.name, row.variant))]),
        );
      return ExitCode.ok;
    });
  },
};

/**
 * `memflow-ts registry rm <digest>`: delete a plugin file from a registry. A short digest is
 * resolved first (memflow-registry needs the full one, although memflowup's help says otherwise);
 * an ambiguous one lists the candidates. Failures exit 1, unlike memflowup.
 */
import { mapBounded } from "../bounded.ts";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG, REGISTRY_FLAG, TOKEN_FLAG } from "../common-flags.ts";
import { effectiveRegistry, readConfig } from "../config/memflowup-config.ts";
import { CliFailure, withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";
import { RegistryClient } from "../registry/registry-client.ts";

const USAGE = `Usage: memflow-ts registry rm <digest> [options]
       memflow-ts registry -r <url> rm <digest> [options]

Deletes the plugin file with this digest (full, or a unique prefix) from the registry.

Options:
  -t, --token <token>    bearer token of the registry (default: config)
  -r, --registry <url>   registry to delete from (default: config, else https://registry.memflow.io)
  -q, --quiet            print only failures`;

/** The one full digest starting with `prefix` among the registry's files. */
async function resolveDigest(client: RegistryClient, prefix: string): Promise<string> {
  if (prefix.length === 64) return prefix;
  const names = (await client.names()).map((plugin) => plugin.name);
  const found = await mapBounded(names, 4, (name) => client.variants(name, { version: prefix, limit: 50 }));
  const digests = [...new Set(found.flat().map((variant) => variant.digest))].filter((digest) =>
    digest.startsWith(prefix),
  );
  if (digests.length === 1 && digests[0] !== undefined) return digests[0];
  if (digests.length === 0) {
    throw new CliFailure(`no plugin file of ${client.url} has a digest starting with ${prefix}`, [
      "memflow-ts registry ls <name> -a lists the digests of a plugin",
    ]);
  }
  throw new CliFailure(`the digest ${prefix} is ambiguous: ${digests.join(", ")}`, ["give more digits"]);
}

export const registryRmCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      ...TOKEN_FLAG,
      ...REGISTRY_FLAG,
      ...QUIET_FLAG,
    });
    const [given, ...extra] = positionals;
    if (given === undefined) throw new UsageError("name the digest of the plugin file to delete");
    if (extra.length > 0) throw new UsageError(`registry rm takes one digest (got ${positionals.join(" ")})`);
    const prefix = given.toLowerCase();
    if (!/^[0-9a-f]{1,64}$/.test(prefix))
      throw new UsageError(`${JSON.stringify(given)} is not a sha256 digest or a prefix of one`);
    const out = printer(context, { quiet: values.quiet ?? false });
    return withErrorContext("Unable to delete plugin entry from registry", async () => {
      const config = readConfig(context);
      const client = new RegistryClient(effectiveRegistry(values.registry, config));
      const digest = await resolveDigest(client, prefix);
      // A refused token gets its hint from error-report.ts, as for push.
      await client.remove(digest, values.token ?? config.token ?? undefined);
      out.success(`Deleted plugin file ${digest} from ${client.url}`);
      return ExitCode.ok;
    });
  },
};

/**
 * `memflow-ts push`: sign plugins with a secp256k1 key and upload them, as memflowup does in the
 * connectors' CI. Arguments are installed plugins (`coredump`, `coredump:0.2.0`, a digest) or,
 * with `--file`, plugin files. Every argument is resolved before anything is uploaded.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { pluginNameProblem, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { signPlugin } from "@memflow-ts/core/registry";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG, REGISTRY_FLAG, TOKEN_FLAG } from "../common-flags.ts";
import { effectiveRegistry, readConfig } from "../config/memflowup-config.ts";
import { reportFailure } from "../error-report.ts";
import { CliFailure, fileFailure } from "../failure.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { findLocalPlugin } from "../local/find-local-plugin.ts";
import { localPlugins } from "../local/local-plugins.ts";
import { type Printer, printer } from "../output.ts";
import { RegistryClient } from "../registry/registry-client.ts";
import { loadPrivateKey } from "../registry/signing-keys.ts";

const USAGE = `Usage: memflow-ts push <plugin-uri…> [options]
       memflow-ts push --file <plugin-file…> [options]

Signs each plugin (ECDSA secp256k1 over SHA-256 of the file, low-S, DER hex) and uploads it.
Without --file the arguments name installed plugins: name, name:version, name:digest-prefix or
a full digest. A plugin the registry already has counts as success; one whose name is not
letters, digits and '_' (memflow's plugin-name rule) is not uploaded.

Options:
  -f, --file             the arguments are plugin files
  -r, --registry <url>   registry to upload to (default: config, else https://registry.memflow.io)
  -t, --token <token>    bearer token of the registry (default: config)
  -p, --priv-key <pem>   PKCS#8 private key to sign with (default: config)
  -q, --quiet            print only failures

Exit code 1 when any plugin could not be found or uploaded, 2 for a usage error.`;

/**
 * Refuses a plugin whose name breaks memflow's plugin-name rule before it is uploaded: a
 * registry refuses it too, and no machine could pull it. A file the analyzer cannot read is
 * left to the registry, which says what is wrong with it.
 */
function checkPluginNames(bytes: Uint8Array): void {
  let names: string[];
  try {
    names = parseDescriptors(bytes).map((descriptor) => descriptor.name);
  } catch {
    return;
  }
  for (const name of names) {
    const problem = pluginNameProblem(name);
    if (problem !== undefined) {
      throw new CliFailure(problem, ["rename the plugin in its descriptor and build it again; nothing was uploaded"]);
    }
  }
}

/** The files to upload and how memflowup shows them, or undefined after reporting every argument that names nothing. */
function filesToUpload(
  args: readonly string[],
  byFile: boolean,
  context: CliContext,
  out: Printer,
): { path: string; shown: string }[] | undefined {
  if (byFile) return args.map((file) => ({ path: resolve(context.cwd, file), shown: file }));
  const { plugins } = localPlugins(userPluginDirectory(context.platform, context.home), context.platform);
  const files: { path: string; shown: string }[] = [];
  let missing = 0;
  for (const uri of args) {
    const plugin = findLocalPlugin(plugins, uri);
    if (plugin === undefined || !plugin.fileExists) {
      const hint =
        plugin === undefined
          ? "memflow-ts plugins ls lists the installed plugins; push a file with --file <path>"
          : `${plugin.metaPath} describes ${plugin.pluginPath}, which is missing; pull or build it again`;
      reportFailure(out, context, new CliFailure(`Plugin \`${uri}\` not found`, [hint]));
      missing += 1;
    } else {
      files.push({ path: plugin.pluginPath, shown: plugin.pluginPath });
    }
  }
  return missing === 0 ? files : undefined;
}

export const pushCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      file: { type: "boolean", short: "f" },
      ...REGISTRY_FLAG,
      ...TOKEN_FLAG,
      "priv-key": { type: "string", short: "p" },
      ...QUIET_FLAG,
    });
    if (positionals.length === 0) throw new UsageError("name at least one plugin (or a file, with --file)");
    const out = printer(context, { quiet: values.quiet ?? false });

    const config = readConfig(context);
    const keyPath = values["priv-key"] ?? config.priv_key_file ?? undefined;
    if (keyPath === undefined) {
      throw new CliFailure(
        "Private key file is required for signing. Either configure it via `memflow-ts config set priv_key_file <pem>` or the `--priv-key` argument",
      );
    }
    const key = loadPrivateKey(resolve(context.cwd, keyPath));
    const client = new RegistryClient(effectiveRegistry(values.registry, config));
    const token = values.token ?? config.token ?? undefined;

    const files = filesToUpload(positionals, values.file ?? false, context, out);
    if (files === undefined) return ExitCode.failed;
    let failed = 0;
    for (const { path: file, shown: given } of files) {
      const shown = JSON.stringify(given);
      try {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(readFileSync(file));
        } catch (error) {
          throw fileFailure("read", file, error);
        }
        checkPluginNames(bytes);
        const result = await client.upload(bytes, basename(file), signPlugin(bytes, key), token);
        if (result === "Added") out.success(`Uploaded plugin ${shown}`);
        else out.info(`Plugin ${shown} already exists with the same digest`);
      } catch (error) {
        reportFailure(out, context, error, `Unable to upload plugin ${shown}`);
        failed += 1;
      }
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

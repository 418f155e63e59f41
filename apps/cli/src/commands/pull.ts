/**
 * `memflow-ts pull`: memflowup's installer and, with `--all`, its updater. Up to four plugins
 * download at once; every failure is reported and makes the exit code 1.
 */
import { resolve } from "node:path";
import { hostFor, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { mapBounded } from "../bounded.ts";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG, REGISTRY_FLAG } from "../common-flags.ts";
import { effectiveRegistry, readConfig } from "../config/memflowup-config.ts";
import { reportFailure } from "../error-report.ts";
import { ExitCode } from "../io.ts";
import { type Printer, printer } from "../output.ts";
import { downloadProgress } from "../progress.ts";
import { NotBuiltForHost, type PullOutcome, type PullSettings, pullPlugin } from "../registry/pull-plugin.ts";
import { RegistryClient } from "../registry/registry-client.ts";
import { loadPublicKey } from "../registry/signing-keys.ts";

const PARALLEL_DOWNLOADS = 4;

const USAGE = `Usage: memflow-ts pull [<plugin-uri>…] [options]

Installs the newest build of each plugin that this machine can load (same file type,
architecture and plugin ABI) into the user plugin folder, as memflowup does. A plugin URI is
[registry/]name[:version-or-digest-prefix], e.g. coredump, coredump:0.2.0, coredump:ff2adb1,
http://127.0.0.1:3000/coredump.

Options:
  -a, --all              pull the newest version of every plugin of the registry
  -f, --force            download even when the same file is installed
  -r, --registry <url>   registry for URIs that name none (default: config, else https://registry.memflow.io)
  -p, --pub-key <pem>    public key that signs the registry's plugins (default: config, else the official key)
  -q, --quiet            print only failures

Exit code 1 when any plugin failed, 2 for a usage error.`;

/** A printer whose output first erases the progress line, so the two never mix. */
function aroundProgress(out: Printer, clear: () => void): Printer {
  const first =
    <A extends unknown[]>(write: (...args: A) => void) =>
    (...args: A) => {
      clear();
      write(...args);
    };
  return {
    color: out.color,
    success: first(out.success),
    info: first(out.info),
    failure: first(out.failure),
    line: first(out.line),
    json: first(out.json),
  };
}

export const pullCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      all: { type: "boolean", short: "a" },
      force: { type: "boolean", short: "f" },
      ...REGISTRY_FLAG,
      "pub-key": { type: "string", short: "p" },
      ...QUIET_FLAG,
    });
    if (values.all && positionals.length > 0) throw new UsageError("give plugin URIs or --all, not both");
    if (!values.all && positionals.length === 0) throw new UsageError("name at least one plugin, or pull --all");
    const progress = downloadProgress(context);
    const out = aroundProgress(printer(context, { quiet: values.quiet ?? false }), progress.clear);

    const config = readConfig(context);
    const keyPath = values["pub-key"] ?? config.pub_key_file ?? undefined;
    const settings: PullSettings = {
      defaultRegistry: effectiveRegistry(values.registry, config),
      force: values.force ?? false,
      key: loadPublicKey(keyPath === undefined ? undefined : resolve(context.cwd, keyPath)),
      host: hostFor(context.platform, context.arch),
      platform: context.platform,
      pluginDirectory: userPluginDirectory(context.platform, context.home),
    };
    let uris: string[] = positionals;
    if (values.all) {
      // memflowup lists the official registry here whatever is configured; this uses the configured one.
      uris = (await new RegistryClient(settings.defaultRegistry).names()).map((plugin) => plugin.name);
      if (uris.length === 0) {
        out.info(`The registry ${settings.defaultRegistry} has no plugins.`);
        return ExitCode.ok;
      }
    }

    const outcomes = await mapBounded(
      uris,
      PARALLEL_DOWNLOADS,
      async (uri): Promise<PullOutcome | "failed" | "skipped"> => {
        try {
          return await pullPlugin(uri, settings, out, progress);
        } catch (error) {
          // An updater should not fail over plugins that were never built for this machine.
          if (values.all && error instanceof NotBuiltForHost) {
            out.info(`Skipped ${JSON.stringify(uri)}: ${error.message}`);
            return "skipped";
          }
          reportFailure(out, context, error, `Error downloading plugin ${JSON.stringify(uri)}`);
          return "failed";
        }
      },
    );
    progress.clear();
    const failed = outcomes.filter((outcome) => outcome === "failed").length;
    if (uris.length > 1) {
      const installed = outcomes.filter((outcome) => outcome === "installed").length;
      const current = outcomes.filter((outcome) => outcome === "up-to-date").length;
      const skipped = outcomes.filter((outcome) => outcome === "skipped").length;
      const summary =
        `${uris.length} plugins: ${installed} installed, ${current} already up to date, ` +
        `${skipped === 0 ? "" : `${skipped} not built for this machine, `}${failed} failed.`;
      if (failed === 0) out.success(summary);
      else out.failure(summary);
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

/**
 * `memflow-ts plugins rm <uri…>`: delete installed plugins, each found as memflowup finds it
 * (`coredump` is the newest coredump; `coredump:0.2.0`, `coredump:ff2adb1`, a full digest), the
 * plugin file first, then its `.meta`. A bare name that no library matches removes the TypeScript
 * plugin file of that name (`<name>.memflow.ts`). A URI that matches nothing is reported and the
 * others are still removed; the exit code is then 1.
 */
import { printable, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG } from "../common-flags.ts";
import { reportFailure } from "../error-report.ts";
import { CliFailure } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { findLocalPlugin } from "../local/find-local-plugin.ts";
import { localPlugins } from "../local/local-plugins.ts";
import { removeFile } from "../local/remove-file.ts";
import { scriptPluginFilesIn } from "../local/script-plugin-files.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts plugins rm <plugin-uri…> [options]

Deletes installed plugins: name (its newest version), name:version, name:digest-prefix or a
full digest. A file holding several plugins is deleted with all of them. A TypeScript plugin
(<name>.memflow.ts) is deleted by its name (or its full digest) when no library matches.

Options:
  -q, --quiet    print only failures`;

export const pluginsRmCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, QUIET_FLAG);
    if (positionals.length === 0) throw new UsageError("name at least one installed plugin");
    const out = printer(context, { quiet: values.quiet ?? false });
    const directory = userPluginDirectory(context.platform, context.home);
    let failed = 0;
    for (const uri of positionals) {
      try {
        const plugin = findLocalPlugin(localPlugins(directory, context.platform).plugins, uri);
        if (plugin !== undefined) {
          removeFile(plugin.pluginPath);
          removeFile(plugin.metaPath);
          out.success(`Deleted plugin: ${printable(JSON.stringify(plugin.pluginPath))}`);
          continue;
        }
        const script = scriptPluginFilesIn(directory).find((file) => file.name === uri || file.digest === uri);
        if (script === undefined) {
          throw new CliFailure(`Plugin \`${uri}\` not found`, ["memflow-ts plugins ls lists the installed plugins"]);
        }
        removeFile(script.path);
        out.success(`Deleted TypeScript plugin: ${printable(JSON.stringify(script.path))}`);
      } catch (error) {
        reportFailure(out, context, error);
        failed += 1;
      }
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

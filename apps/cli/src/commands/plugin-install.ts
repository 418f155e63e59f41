/** `memflow-ts plugin install <file…> [--dir <plugin folder>]`: copy into the plugin folder with a `.meta`. */
import { resolve } from "node:path";
import { printable, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { installPluginFile } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { reportFailure } from "../error-report.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

export const pluginInstallCommand: Command = {
  usage: `Usage: memflow-ts plugin install <file…> [--dir <plugin folder>]

Installs plugin files as memflowup does: libmemflow_<name>_<digest7>.so with a .meta, in the
user plugin folder (~/.local/lib/memflow) or --dir.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { dir: { type: "string" } });
    if (positionals.length === 0) throw new UsageError("give at least one plugin file");
    const outDir = values.dir ? resolve(context.cwd, values.dir) : userPluginDirectory(context.platform, context.home);
    const out = printer(context);
    let failures = 0;
    for (const file of positionals) {
      try {
        const installed = installPluginFile({ file: resolve(context.cwd, file), outDir });
        // The names and versions are the file's own.
        out.success(
          printable(
            `Installed ${installed.descriptors.map((d) => `${d.name} ${d.version}`).join(", ")} as ${installed.path}`,
          ),
        );
      } catch (error) {
        reportFailure(out, context, error, `Unable to install ${file}`);
        failures += 1;
      }
    }
    return failures === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

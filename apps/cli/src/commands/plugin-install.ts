/**
 * `memflow-ts plugin install <file or bundled plugin…> [--dir <plugin folder>]`: a library is
 * copied into the plugin folder with a `.meta`, as memflowup does; a TypeScript plugin file
 * (`*.memflow.ts`) is imported in a child process first and, when it defines plugins, copied as
 * `<name>.memflow.ts`; the name of one of the SDK's bundled plugins (`dummy`, `rawfile`,
 * `dummy-os`) builds that plugin from its C source into the folder.
 */
import { resolve } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { printable, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { installPluginFile, installScriptPluginFile, isBundledPlugin } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { reportFailure } from "../error-report.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { installBundledPlugin } from "../local/bundled-install.ts";
import { printer } from "../output.ts";

/** A bundled plugin or either kind of file, installed; its path and the plugins it holds. */
async function install(
  argument: string,
  outDir: string,
  context: CliContext,
): Promise<{ path: string; descriptors: readonly PluginDescriptorInfo[]; language: string }> {
  // A bare bundled name is the bundled plugin; a file of that name is `./dummy`.
  if (isBundledPlugin(argument))
    return { ...(await installBundledPlugin(context, argument, outDir)), language: "the bundled " };
  const file = resolve(context.cwd, argument);
  // Any TypeScript file goes the TypeScript way, so one misnamed is told the naming rule.
  if (file.endsWith(".ts")) return { ...(await installScriptPluginFile({ file, outDir })), language: "TypeScript " };
  return { ...installPluginFile({ file, outDir }), language: "" };
}

export const pluginInstallCommand: Command = {
  usage: `Usage: memflow-ts plugin install <file | dummy | rawfile | dummy-os…> [--dir <plugin folder>]

Installs plugin files in the user plugin folder (~/.local/lib/memflow) or --dir. A library as
memflowup does: libmemflow_<name>_<digest7>.so with a .meta. The SDK's bundled plugins are
built from their C source with the system compiler (cc, gcc or clang; $CC) and installed the
same way: dummy (connector dummy), rawfile (connector rawfile) and dummy-os (the dummy OS: os
dummy, in a file of its own beside the connector). A file named like one of them is ./dummy.
A TypeScript plugin (<name>.memflow.ts, from plugin new --lang ts) as <name>.memflow.ts after
its first definition, replacing an earlier one; it is imported in a child process first, and a
file that does not import or defines no plugin is refused and not installed. It must be one
file: the CLI serves it @memflow-ts/core and @memflow-ts/sdk, nothing else.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { dir: { type: "string" } });
    if (positionals.length === 0) throw new UsageError("give at least one plugin file or bundled plugin");
    const outDir = values.dir ? resolve(context.cwd, values.dir) : userPluginDirectory(context.platform, context.home);
    const out = printer(context);
    let failures = 0;
    for (const file of positionals) {
      try {
        const installed = await install(file, outDir, context);
        // The names and versions are the file's own.
        out.success(
          printable(
            `Installed ${installed.language}${installed.descriptors.map((d) => `${d.plugin_kind} ${d.name} ${d.version}`).join(", ")} as ${installed.path}`,
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

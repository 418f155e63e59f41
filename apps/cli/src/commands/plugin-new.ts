/** `memflow-ts plugin new <name> [--dir <folder>]`: a C connector project that builds and passes its tests. */
import { resolve } from "node:path";
import { createPluginProject } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

export const pluginNewCommand: Command = {
  usage: `Usage: memflow-ts plugin new <name> [--dir <folder>]

Creates a C connector project (source, build script, conformance test) in ./<name> or --dir.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { dir: { type: "string" } });
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0)
      throw new UsageError("give exactly one plugin name, such as my_connector");
    const dir = resolve(context.cwd, values.dir ?? name);
    const out = printer(context);
    createPluginProject({ name, dir });
    out.success(`Created ${dir}`);
    out.line("Next:");
    out.line(`  cd ${dir}`);
    out.line("  bun install");
    out.line("  memflow-ts plugin build     # dist/libmemflow_<name>_<digest>.so and its .meta");
    out.line(`  memflow-ts plugin test dist/libmemflow_${name}_*.so`);
    out.line(`  memflow-ts plugin install dist/libmemflow_${name}_*.so`);
    return ExitCode.ok;
  },
};

/**
 * `memflow-ts plugin build [dir] [--out <folder>] [--name <name>]`: compiles a C connector
 * project's `src/*.c` (or one top-level C file) with the SDK, into `dist/` by default.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildPluginAsync } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure, withErrorContext } from "../failure.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { printer } from "../output.ts";
import { withSpinner } from "../spinner.ts";

/**
 * What a folder builds: the plugin name and its C sources. A project's plugin is every file of
 * its `src/*.c`. A folder without `src/` holding several C files at its top holds several
 * plugins, one per file (as the SDK's `native/` does): `--name <name>` builds `<name>.c` alone,
 * so no library ends up holding another plugin that would shadow the real one.
 */
export function projectBuild(dir: string, explicitName: string | undefined): { name: string; sources: string[] } {
  const hasSrc = existsSync(join(dir, "src"));
  const folder = hasSrc ? join(dir, "src") : dir;
  const sources = existsSync(folder)
    ? readdirSync(folder)
        .filter((file) => file.endsWith(".c"))
        .sort()
        .map((file) => join(folder, file))
    : [];
  if (sources.length === 0) {
    throw new CliFailure(
      `no C sources in ${dir} (expected src/*.c); create a project with memflow-ts plugin new <name>`,
    );
  }
  if (sources.length === 1 && sources[0]) return { name: explicitName ?? basename(sources[0], ".c"), sources };
  if (hasSrc) {
    if (explicitName === undefined)
      throw new UsageError("the project has several source files: say which plugin this is with --name <name>");
    return { name: explicitName, sources };
  }
  const files = sources.map((source) => basename(source));
  const own = sources.find((source) => basename(source, ".c") === explicitName);
  if (explicitName === undefined || own === undefined) {
    throw new UsageError(
      `${dir} has several C files at its top (${files.join(", ")}), one plugin each: build one with --name <file name without .c>, or put one plugin's files in src/`,
    );
  }
  return { name: explicitName, sources: [own] };
}

export async function buildProject(
  context: CliContext,
  dir: string,
  outDir: string,
  explicitName: string | undefined,
): Promise<ExitCode> {
  const { name, sources } = projectBuild(dir, explicitName);
  const built = await withErrorContext(`building ${name} failed`, () =>
    withSpinner(context, `Building ${name}`, () => buildPluginAsync({ name, sources, outDir })),
  );
  const out = printer(context);
  out.success(`Built ${built.path}`);
  for (const descriptor of built.descriptors) {
    out.line(
      `    ${descriptor.plugin_kind} ${descriptor.name} ${descriptor.version} (plugin_version ${descriptor.plugin_version})`,
    );
  }
  return ExitCode.ok;
}

export const pluginBuildCommand: Command = {
  usage: `Usage: memflow-ts plugin build [dir] [--out <folder>] [--name <name>]

Compiles the C connector project in dir (default: here) into --out (default: dir/dist), named
as memflowup installs plugins, with its .meta. The plugin is src/*.c; a folder without src/
holding several C files at its top holds one plugin per file, and --name <name> builds <name>.c
alone. The SDK's bundled plugins install with memflow-ts plugin install dummy|rawfile|dummy-os.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { out: { type: "string" }, name: { type: "string" } });
    if (positionals.length > 1) throw new UsageError("give at most one project folder");
    const dir = resolve(context.cwd, positionals[0] ?? ".");
    return buildProject(context, dir, resolve(context.cwd, values.out ?? join(dir, "dist")), values.name);
  },
};

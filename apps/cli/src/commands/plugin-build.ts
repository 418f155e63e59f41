/**
 * `memflow-ts plugin build [dir] [--out <folder>] [--name <name>]`: compiles a C connector
 * project's `src/*.c` with the SDK, into `dist/` by default.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildPluginAsync } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure, withErrorContext } from "../failure.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { printer } from "../output.ts";
import { withSpinner } from "../spinner.ts";

/** The C sources of a project: `src/*.c`, or `*.c` at its top when it has no `src/`. */
export function projectSources(dir: string): string[] {
  const folder = existsSync(join(dir, "src")) ? join(dir, "src") : dir;
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".c"))
    .sort()
    .map((name) => join(folder, name));
}

/** The plugin name: --name, else the single source file's name (`src/<name>.c`, as `plugin new` writes). */
export function projectPluginName(sources: readonly string[], explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  if (sources.length === 1 && sources[0]) return basename(sources[0], ".c");
  throw new UsageError("the project has several source files: say which plugin this is with --name <name>");
}

export async function buildProject(
  context: CliContext,
  dir: string,
  outDir: string,
  explicitName: string | undefined,
): Promise<ExitCode> {
  const sources = projectSources(dir);
  if (sources.length === 0) {
    throw new CliFailure(
      `no C sources in ${dir} (expected src/*.c); create a project with memflow-ts plugin new <name>`,
    );
  }
  const name = projectPluginName(sources, explicitName);
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
as memflowup installs plugins, with its .meta.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { out: { type: "string" }, name: { type: "string" } });
    if (positionals.length > 1) throw new UsageError("give at most one project folder");
    const dir = resolve(context.cwd, positionals[0] ?? ".");
    return buildProject(context, dir, resolve(context.cwd, values.out ?? join(dir, "dist")), values.name);
  },
};

/**
 * `memflow-ts plugin new <name> [--kind connector|os] [--lang c|ts] [--dir <folder>]`: a plugin
 * project that builds and passes its own tests as generated (the SDK's createPluginProject).
 */
import { resolve } from "node:path";
import {
  createPluginProject,
  PLUGIN_PROJECT_KINDS,
  PLUGIN_PROJECT_LANGUAGES,
  type PluginProjectKind,
  type PluginProjectLanguage,
} from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { ExitCode } from "../io.ts";
import { type Printer, printer } from "../output.ts";

/** The flag's value when it is one of `allowed`; a usage error naming them otherwise. */
function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`unknown ${flag} '${value}': use ${allowed.join(" or ")}`);
}

/** What to run next in the new project, by what it is. */
function nextSteps(out: Printer, name: string, kind: PluginProjectKind, lang: PluginProjectLanguage): void {
  if (lang === "ts") {
    const file = `src/${name}.memflow.ts`;
    out.line("  bun test                  # the conformance checks on it, and an Inventory test");
    out.line(`  memflow-ts plugin test ${file}`);
    out.line(`  memflow-ts plugin install ${file}`);
    out.line(
      kind === "os"
        ? `  memflow-ts ps -c dummy -o ${name}        # then read -c dummy -o ${name} -p init 0x400000 32`
        : `  memflow-ts read -c ${name}::size=1m 0x0 16`,
    );
    return;
  }
  out.line("  memflow-ts plugin build   # dist/libmemflow_<name>_<digest>.so and its .meta");
  if (kind === "os") {
    out.line("  bun test                  # builds it and drives it through the Inventory over the dummy connector");
  } else {
    out.line(`  memflow-ts plugin test dist/libmemflow_${name}_*.so`);
  }
  out.line(`  memflow-ts plugin install dist/libmemflow_${name}_*.so`);
  if (kind === "os") out.line(`  memflow-ts read -c dummy::size=4m -o ${name} 0x1000 16   # after memflow-ts setup`);
}

export const pluginNewCommand: Command = {
  usage: `Usage: memflow-ts plugin new <name> [--kind connector|os] [--lang c|ts] [--dir <folder>]

Creates a plugin project in ./<name> or --dir, which builds and passes its own tests:
  --kind connector --lang c   a C connector: source, build script, conformance test (the default)
  --kind os --lang c          a C OS plugin: processes, a module, virtual memory over its input connector
  --lang ts                   a TypeScript connector (defineConnector) and its tests
  --kind os --lang ts         a TypeScript OS layer (defineOs): processes read through x64 page
                              tables it writes into its input connector
A TypeScript plugin is installed as it is: memflow-ts plugin install src/<name>.memflow.ts.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      dir: { type: "string" },
      kind: { type: "string" },
      lang: { type: "string" },
    });
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0)
      throw new UsageError("give exactly one plugin name, such as my_connector");
    const kind = choice("--kind", values.kind, PLUGIN_PROJECT_KINDS) ?? "connector";
    const lang = choice("--lang", values.lang, PLUGIN_PROJECT_LANGUAGES) ?? "c";
    const dir = resolve(context.cwd, values.dir ?? name);
    const out = printer(context);
    createPluginProject({ name, dir, kind, lang });
    out.success(`Created ${dir}`);
    out.line("Next:");
    out.line(`  cd ${dir}`);
    out.line("  bun install");
    nextSteps(out, name, kind, lang);
    return ExitCode.ok;
  },
};

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
    out.line("  bun test                  # the conformance harness on the definition, and an Inventory test");
    out.line(`Use it from a program: Inventory.scan().register(...) with the definition in src/${name}.ts.`);
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
TypeScript OS layers come after defineOs lands.`,
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

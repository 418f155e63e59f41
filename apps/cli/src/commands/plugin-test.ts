/**
 * `memflow-ts plugin test <file>`: the SDK's conformance checks against a plugin file, outside
 * bun test, as a pass/fail report. Each check runs in a child process, so a crash or a hang fails
 * only the check it happened in. A connector gets the connector checks; an OS plugin the OS
 * checks, over the input connector `--connector` names (default: the SDK's bundled dummy). The
 * file is read first (a TypeScript plugin file, `*.memflow.ts`, is imported in a child process):
 * one that is not a plugin, holds neither kind or not the `--name` given is refused before any
 * check runs.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeFile } from "@memflow-ts/analyzer/fs";
import { connectorStep } from "@memflow-ts/core/inventory";
import { printable } from "@memflow-ts/core/plugin-files";
import {
  bundledPluginCache,
  bundledPluginDirectory,
  type CheckReport,
  checkOsPluginFile,
  checkPluginFile,
  DEFAULT_INPUT_CONNECTOR,
  isScriptPluginFile,
  readScriptPluginFile,
} from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure, withErrorContext } from "../failure.ts";
import { scanCatalogue } from "../inventory/scan-context.ts";
import type { CliContext } from "../io.ts";
import { ExitCode } from "../io.ts";
import { paint, printer } from "../output.ts";

interface PluginToTest {
  readonly kind: "connector" | "os";
  readonly name: string;
}

/** `--name`, else the file's first connector, else its first OS plugin. */
async function pluginToTest(path: string, name: string | undefined): Promise<PluginToTest> {
  const descriptors = await withErrorContext(`cannot test ${path}`, () =>
    isScriptPluginFile(path) ? readScriptPluginFile(path) : analyzeFile(path),
  );
  const named = (kind: PluginToTest["kind"]) =>
    descriptors.filter((descriptor) => descriptor.plugin_kind === kind).map((descriptor) => descriptor.name);
  const connectors = named("connector");
  const osPlugins = named("os");
  if (name === undefined) {
    if (connectors[0] !== undefined) return { kind: "connector", name: connectors[0] };
    if (osPlugins[0] !== undefined) return { kind: "os", name: osPlugins[0] };
    throw new CliFailure(`cannot test ${path}: it holds no memflow connector or OS plugin`, [
      "plugin test checks connector and OS plugins; 'memflow-ts inspect <file>' shows what the file holds",
    ]);
  }
  if (connectors.includes(name)) return { kind: "connector", name };
  if (osPlugins.includes(name)) return { kind: "os", name };
  const kinds = [connectors.length > 0 && "connector", osPlugins.length > 0 && "OS plugin"].filter(Boolean);
  const hints = [
    connectors.length > 0 && `its connectors: ${connectors.join(", ")}`,
    osPlugins.length > 0 && `its OS plugins: ${osPlugins.join(", ")}`,
  ].filter((hint): hint is string => typeof hint === "string");
  throw new UsageError(`--name ${name}: ${path} has no ${kinds.join(" or ") || "plugin"} named ${name}`, {
    hints,
    showUsage: false,
  });
}

interface TestFlags {
  readonly args: string[] | undefined;
  readonly badArgs: string[] | undefined;
  readonly connector: string | undefined;
  readonly cycles: number | undefined;
  /** Milliseconds. */
  readonly timeout: number | undefined;
}

/** The plugin folders `--connector` is found in; refused here, once, rather than by every check in its child. */
function installedDirectories(connector: string, context: CliContext): string[] {
  const catalogue = scanCatalogue(context);
  const step = connectorStep(connector);
  const installed = catalogue.availableConnectors().sort();
  if (step.name !== "dummy" && !installed.includes(step.name)) {
    throw new UsageError(`--connector ${connector}: no connector named ${step.name} is installed`, {
      hints: [`installed connectors: ${installed.join(", ") || "none"} (and the bundled dummy)`],
      showUsage: false,
    });
  }
  return catalogue
    .directories()
    .filter((directory) => directory.error === undefined)
    .map((directory) => directory.path);
}

/** The OS checks: over the bundled dummy by default, else over `--connector` found where plugins are installed. */
function checkOs(path: string, name: string, flags: TestFlags, context: CliContext): Promise<CheckReport[]> {
  if (flags.badArgs !== undefined) {
    throw new UsageError("--bad-args applies to connectors: OS plugins have no bad-arguments check", {
      showUsage: false,
    });
  }
  const installed = flags.connector === undefined ? [] : installedDirectories(flags.connector, context);
  return checkOsPluginFile(path, {
    name,
    connector: flags.connector ?? DEFAULT_INPUT_CONNECTOR,
    // The bundled dummy last: `dummy` works without `memflow-ts setup`.
    connectorDirectories: [
      ...installed,
      bundledPluginDirectory("dummy", bundledPluginCache(context.env, context.home)),
    ],
    sampleArgs: flags.args,
    cycles: flags.cycles,
    timeout: flags.timeout,
  });
}

export const pluginTestCommand: Command = {
  usage: `Usage: memflow-ts plugin test <file> [--name <plugin>] [--args <a>]… [--bad-args <a>]… [--connector <step>] [--cycles <n>] [--timeout <s>] [--json]

Runs the conformance checks against a plugin file: a library, or a TypeScript plugin file
(<name>.memflow.ts, imported in each check's child process as the CLI imports it). A connector: descriptor, create, metadata,
read/write round trips, clone, leaks, help. An OS plugin: descriptor, create, processes found by
pid, address and name (skipping dead ones), ProcessNotFound, mapped module bases, exports inside
their module, virtToPhys against physical memory, partial reads, closing in any order, leaks —
over the input connector --connector names as a chain step (default "${DEFAULT_INPUT_CONNECTOR}",
the SDK's bundled dummy; others are found where plugins are installed).
--args are arguments the plugin should accept (e.g. ":size=2m", ":procs=3"), --bad-args ones a
connector must refuse; --name picks a plugin of the file (default: its first connector, else its
first OS plugin). A check silent for --timeout seconds (default 60) fails as hung. Exit 1 when a
check fails.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      name: { type: "string" },
      args: { type: "string", multiple: true },
      "bad-args": { type: "string", multiple: true },
      connector: { type: "string" },
      cycles: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new UsageError("give exactly one plugin file");
    const cycles = values.cycles === undefined ? undefined : Number(values.cycles);
    if (cycles !== undefined && (!Number.isInteger(cycles) || cycles < 1)) {
      throw new UsageError("--cycles must be a positive whole number");
    }
    const seconds = values.timeout === undefined ? undefined : Number(values.timeout);
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      throw new UsageError("--timeout must be a positive number of seconds");
    }
    const timeout = seconds === undefined ? undefined : seconds * 1000;
    const path = resolve(context.cwd, file);
    if (!existsSync(path)) throw new CliFailure(`${path} does not exist`);
    const plugin = await pluginToTest(path, values.name);
    const flags: TestFlags = {
      args: values.args,
      badArgs: values["bad-args"],
      connector: values.connector,
      cycles,
      timeout,
    };
    if (plugin.kind === "connector" && flags.connector !== undefined) {
      throw new UsageError(`--connector applies to OS plugins: ${plugin.name} is a connector`, { showUsage: false });
    }
    const out = printer(context);
    const reports =
      plugin.kind === "os"
        ? await checkOs(path, plugin.name, flags, context)
        : await checkPluginFile(path, {
            name: plugin.name,
            sampleArgs: flags.args,
            badArgs: flags.badArgs,
            cycles,
            timeout,
          });
    const failed = reports.filter((report) => !report.ok);
    if (values.json) {
      const input = plugin.kind === "os" ? { connector: flags.connector ?? DEFAULT_INPUT_CONNECTOR } : {};
      out.json({
        file: path,
        kind: plugin.kind,
        name: plugin.name,
        ...input,
        passed: reports.length - failed.length,
        failed: failed.length,
        checks: reports,
      });
    } else {
      for (const report of reports) {
        const mark = report.ok ? paint(out.color, "pass", "green") : paint(out.color, "FAIL", "red", "bold");
        // Written as is: the mark's colour must reach the terminal; the title is this CLI's own.
        context.stdout.write(`${mark}  ${report.title}\n`);
        if (!report.ok || report.id === "clone") {
          // A check's message quotes the plugin (its errors, its help text, its process names): escaped.
          for (const line of report.message.split("\n")) out.line(`      ${printable(line)}`);
        }
      }
      out.line();
      out.line(`${reports.length - failed.length} passed, ${failed.length} failed`);
    }
    return failed.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

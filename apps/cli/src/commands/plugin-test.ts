/**
 * `memflow-ts plugin test <file>`: the SDK's conformance checks against a plugin file, outside
 * bun test, as a pass/fail report. Each check runs in a child process, so a crash fails only
 * the check it happened in. The file is read first: one that is not a plugin, has no connector
 * or no connector of the `--name` given is refused before any check runs.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeFile } from "@memflow-ts/analyzer/fs";
import { printable } from "@memflow-ts/core/plugin-files";
import { checkPluginFile } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure, withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { paint, printer } from "../output.ts";

/** The connector to check: `--name`, else the file's first connector. */
async function connectorName(path: string, name: string | undefined): Promise<string> {
  const descriptors = await withErrorContext(`cannot test ${path}`, () => analyzeFile(path));
  const connectors = descriptors.filter((descriptor) => descriptor.plugin_kind === "connector").map((d) => d.name);
  const [first] = connectors;
  if (first === undefined) {
    throw new CliFailure(`cannot test ${path}: it holds no memflow connector`, [
      "plugin test checks connector plugins; 'memflow-ts inspect <file>' shows what the file holds",
    ]);
  }
  if (name === undefined) return first;
  if (!connectors.includes(name)) {
    throw new UsageError(`--name ${name}: ${path} has no connector named ${name}`, {
      hints: [`its connectors: ${connectors.join(", ")}`],
      showUsage: false,
    });
  }
  return name;
}

export const pluginTestCommand: Command = {
  usage: `Usage: memflow-ts plugin test <file> [--name <connector>] [--args <a>]… [--bad-args <a>]… [--cycles <n>] [--json]

Runs the conformance checks (descriptor, create, metadata, read/write round trips, clone, leaks,
help) against a connector plugin. --args are arguments it should accept (e.g. ":size=2m"),
--bad-args ones it must refuse; --name picks a connector of the file (default: its first).
Exit 1 when a check fails.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      name: { type: "string" },
      args: { type: "string", multiple: true },
      "bad-args": { type: "string", multiple: true },
      cycles: { type: "string" },
      json: { type: "boolean" },
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new UsageError("give exactly one plugin file");
    const cycles = values.cycles === undefined ? undefined : Number(values.cycles);
    if (cycles !== undefined && (!Number.isInteger(cycles) || cycles < 1)) {
      throw new UsageError("--cycles must be a positive whole number");
    }
    const path = resolve(context.cwd, file);
    if (!existsSync(path)) throw new CliFailure(`${path} does not exist`);
    const name = await connectorName(path, values.name);
    const out = printer(context);
    const reports = await checkPluginFile(path, {
      name,
      sampleArgs: values.args,
      badArgs: values["bad-args"],
      cycles,
    });
    const failed = reports.filter((report) => !report.ok);
    if (values.json) {
      out.json({ file: path, passed: reports.length - failed.length, failed: failed.length, checks: reports });
    } else {
      for (const report of reports) {
        const mark = report.ok ? paint(out.color, "pass", "green") : paint(out.color, "FAIL", "red", "bold");
        // Written as is: the mark's colour must reach the terminal; the title is this CLI's own.
        context.stdout.write(`${mark}  ${report.title}\n`);
        if (!report.ok || report.id === "clone") {
          // A check's message quotes the plugin (its errors, its help text): escaped.
          for (const line of report.message.split("\n")) out.line(`      ${printable(line)}`);
        }
      }
      out.line();
      out.line(`${reports.length - failed.length} passed, ${failed.length} failed`);
    }
    return failed.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

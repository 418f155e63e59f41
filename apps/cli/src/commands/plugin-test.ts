/**
 * `memflow-ts plugin test <file>`: the SDK's conformance checks against a plugin file, outside
 * bun test, as a pass/fail report. Each check runs in a child process, so a crash fails only
 * the check it happened in.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { checkPluginFile } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { paint, printer } from "../output.ts";

export const pluginTestCommand: Command = {
  usage: `Usage: memflow-ts plugin test <file> [--name <connector>] [--args <a>]… [--bad-args <a>]… [--cycles <n>] [--json]

Runs the conformance checks (descriptor, create, metadata, read/write round trips, clone, leaks,
help) against a connector plugin. --args are arguments it should accept (e.g. ":size=2m"),
--bad-args ones it must refuse. Exit 1 when a check fails.`,
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
    const out = printer(context);
    const reports = await checkPluginFile(path, {
      name: values.name,
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
        out.line(`${mark}  ${report.title}`);
        if (!report.ok || report.id === "clone") {
          for (const line of report.message.split("\n")) out.line(`      ${line}`);
        }
      }
      out.line();
      out.line(`${reports.length - failed.length} passed, ${failed.length} failed`);
    }
    return failed.length === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

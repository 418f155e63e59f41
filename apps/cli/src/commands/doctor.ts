/**
 * `memflow-ts doctor [--json] [--quiet]`: why a plugin is (not) found. Shows where memflow 0.2.4
 * and memflow 0.2.3 and older look, then what keeps plugins from loading (ABI version,
 * architecture, damaged files, `.meta` problems, root versus user directories) and what is
 * merely surprising (duplicates, digest mismatches), each with what to do. Exit code 1 when
 * something installed will not load.
 */
import { type Command, parseFlags, UsageError } from "../command.ts";
import type { AccountSources } from "../inventory/doctor/other-users.ts";
import { renderDoctor } from "../inventory/doctor/render-doctor.ts";
import { runDoctor } from "../inventory/doctor/run-doctor.ts";
import { LISTING_FLAGS } from "../inventory/listing-flags.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts doctor [--json] [--quiet]

Checks the plugin setup as memflow sees it: the directories memflow 0.2.4 and memflow 0.2.3
and older search (and which exist), plugins built for another ABI (plugin_version != 1) or
another architecture, damaged files, .meta sidecars that are missing, unparsable or do not
match their file, the same plugin in several files (and which one wins), and plugins of the
user who ran sudo that root does not see. Each finding says what to do.

Exits 1 when something installed will not load, else 0.

Options:
  --json       print { ok, plugins, runtimes, findings }
  -q, --quiet  print only the errors and warnings
`;

/** The doctor, reading accounts from `sources` (tests point them at a sandbox). */
export function createDoctorCommand(sources: AccountSources): Command {
  return {
    usage: USAGE,
    async run(args, context) {
      const { values, positionals } = parseFlags(args, LISTING_FLAGS);
      if (positionals.length > 0) throw new UsageError(`doctor takes no arguments (got ${positionals.join(" ")})`);
      const report = runDoctor(context, sources);
      if (values.json) {
        printer(context).json({
          ok: report.ok,
          plugins: report.plugins,
          runtimes: report.runtimes.map((runtime) => ({
            runtime: runtime.runtime,
            directories: runtime.directories.map((directory) => ({
              path: directory.path,
              source: directory.source,
              exists: directory.exists,
              plugin_files: directory.pluginFiles.length,
              ...(directory.error !== undefined && { error: directory.error }),
            })),
          })),
          findings: report.findings,
        });
      } else {
        context.stdout.write(renderDoctor(context, report, values.quiet === true));
      }
      return report.ok ? ExitCode.ok : ExitCode.failed;
    },
  };
}

export const doctorCommand: Command = createDoctorCommand({ passwdPath: "/etc/passwd" });

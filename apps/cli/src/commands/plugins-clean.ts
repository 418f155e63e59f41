/**
 * `memflow-ts plugins clean` (alias `purge`): remove broken and outdated plugins from the user
 * plugin folder (see local/clean-plan.ts for what exactly). Plugin files without a `.meta`, such
 * as ones copied in by hand, stay unless `--include-unmanaged` is given.
 */
import { userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG } from "../common-flags.ts";
import { reportFailure } from "../error-report.ts";
import { withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { planClean } from "../local/clean-plan.ts";
import { removeFile } from "../local/remove-file.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts plugins clean [options]

Deletes, from the user plugin folder: plugin files whose .meta is corrupted or names another
digest, .meta files without their plugin file, leftovers of interrupted installs, and every
plugin file that is not the newest version of any plugin it holds.

Options:
      --include-unmanaged   also delete plugin files that have no .meta (memflowup always does)
      --dry-run             only print what would be deleted
  -q, --quiet               print only failures`;

export const pluginsCleanCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      "include-unmanaged": { type: "boolean" },
      "dry-run": { type: "boolean" },
      ...QUIET_FLAG,
    });
    if (positionals.length > 0) throw new UsageError(`plugins clean takes no arguments (got ${positionals.join(" ")})`);
    const out = printer(context, { quiet: values.quiet ?? false });
    const dryRun = values["dry-run"] ?? false;
    const plan = await withErrorContext("Unable to clean the plugin folder", () =>
      planClean(
        userPluginDirectory(context.platform, context.home),
        context.platform,
        values["include-unmanaged"] ?? false,
      ),
    );
    let removed = 0;
    let failed = 0;
    for (const removal of plan.removals) {
      const [first] = removal.paths;
      const shown = `${removal.what}: ${JSON.stringify(first)} (${removal.reason})`;
      if (dryRun) {
        out.info(`Would delete ${shown}`);
      } else {
        try {
          for (const path of removal.paths) removeFile(path);
          out.success(`Deleted ${shown}`);
        } catch (error) {
          reportFailure(out, context, error);
          failed += 1;
          continue;
        }
      }
      if (removal.isPlugin) removed += 1;
    }
    if (plan.keptUnmanaged.length > 0) {
      out.info(
        `Kept ${plan.keptUnmanaged.length} plugin file${plan.keptUnmanaged.length === 1 ? "" : "s"} without a .meta (copied by hand?): ${plan.keptUnmanaged.map((path) => JSON.stringify(path)).join(", ")}; --include-unmanaged deletes them too`,
      );
    }
    if (dryRun) out.info(`Dry run: would remove ${removed} plugins.`);
    else out.success(`Plugins cleaned, removed ${removed} plugins.`);
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

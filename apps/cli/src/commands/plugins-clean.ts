/**
 * `memflow-ts plugins clean` (alias `purge`): remove broken and outdated plugins from the user
 * plugin folder (see local/clean-plan.ts for what exactly). Plugin files without a `.meta`, such
 * as ones copied in by hand, stay unless `--include-unmanaged` is given; a plugin file whose
 * `.meta` is damaged always stays, and its `.meta` goes only with `--remove-damaged-meta`.
 */
import { printable, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG } from "../common-flags.ts";
import { reportFailure } from "../error-report.ts";
import { withErrorContext } from "../failure.ts";
import { ExitCode } from "../io.ts";
import { planClean } from "../local/clean-plan.ts";
import { removeFile } from "../local/remove-file.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts plugins clean [options]

Deletes, from the user plugin folder: plugin files whose .meta names another digest, .meta
files without their plugin file, leftovers of interrupted installs, and every plugin file that
is not the newest version of any plugin it holds. A plugin file whose .meta is damaged is kept
(memflowup deletes it): memflow skips it until the .meta is fixed or removed.

Options:
      --include-unmanaged     also delete plugin files that have no .meta (memflowup always does)
      --remove-damaged-meta   delete .meta files that cannot be read, keeping their plugin files
                              (memflow then loads them, ordered by the file's creation time)
      --dry-run               only print what would be deleted
  -q, --quiet                 print only failures`;

export const pluginsCleanCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      "include-unmanaged": { type: "boolean" },
      "remove-damaged-meta": { type: "boolean" },
      "dry-run": { type: "boolean" },
      ...QUIET_FLAG,
    });
    if (positionals.length > 0) throw new UsageError(`plugins clean takes no arguments (got ${positionals.join(" ")})`);
    const out = printer(context, { quiet: values.quiet ?? false });
    const dryRun = values["dry-run"] ?? false;
    const plan = await withErrorContext("Unable to clean the plugin folder", () =>
      planClean(userPluginDirectory(context.platform, context.home), context.platform, {
        includeUnmanaged: values["include-unmanaged"] ?? false,
        removeDamagedMeta: values["remove-damaged-meta"] ?? false,
      }),
    );
    let removed = 0;
    let failed = 0;
    for (const removal of plan.removals) {
      const [first] = removal.paths;
      // Paths and reasons quote the folder and its .meta files.
      const shown = printable(`${removal.what}: ${JSON.stringify(first)} (${removal.reason})`);
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
    if (!values["remove-damaged-meta"]) {
      for (const { pluginPath, reason } of plan.damagedMeta) {
        out.info(
          `${printable(`Kept ${JSON.stringify(pluginPath)}: its .meta is damaged (${reason})`)}, so memflow skips it; ` +
            "--remove-damaged-meta removes the .meta (memflow then loads the plugin), or reinstall it with memflow-ts pull",
        );
      }
    }
    if (plan.keptUnmanaged.length > 0) {
      out.info(
        `Kept ${plan.keptUnmanaged.length} plugin file${plan.keptUnmanaged.length === 1 ? "" : "s"} without a .meta (copied by hand?): ${printable(plan.keptUnmanaged.map((path) => JSON.stringify(path)).join(", "))}; --include-unmanaged deletes them too`,
      );
    }
    if (dryRun) out.info(`Dry run: would remove ${removed} plugins.`);
    else out.success(`Plugins cleaned, removed ${removed} plugins.`);
    return failed === 0 ? ExitCode.ok : ExitCode.failed;
  },
};

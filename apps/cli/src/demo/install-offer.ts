/**
 * The demo's last words: the commands to try next, which find the dummy connector and the dummy
 * OS by name in a plugin folder, while the demo itself loaded them from a cache folder. So it
 * first checks the user plugin folder; what is missing it offers to install there on a terminal
 * (one yes/no question), and otherwise prints the exact command that installs it.
 */
import * as prompts from "@clack/prompts";
import { printable, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import type { BundledPlugin } from "@memflow-ts/sdk";
import { reportFailure } from "../error-report.ts";
import { type CliContext, canPrompt } from "../io.ts";
import { hasBundledPlugin, installBundledPlugin } from "../local/bundled-install.ts";
import type { Printer } from "../output.ts";

/** The bundled plugins the commands to try next load, with how the reader knows them. */
const NEEDED: ReadonlyMap<BundledPlugin, string> = new Map([
  ["dummy", "the dummy connector"],
  ["dummy-os", "the dummy OS"],
]);

/** The command that installs `plugins`, as the user types it. */
export function installCommand(plugins: readonly BundledPlugin[]): string {
  return `memflow-ts plugin install ${plugins.join(" ")}`;
}

const labels = (plugins: readonly BundledPlugin[]) => plugins.map((plugin) => NEEDED.get(plugin)).join(" and ");

/** Asks on the terminal; only when a person can answer (see canPrompt). */
async function confirmInstall(context: CliContext, question: string): Promise<boolean> {
  const terminal = context.terminal;
  if (!canPrompt(context) || terminal?.input.isTTY !== true || terminal.output.isTTY !== true) return false;
  const answer = await prompts.confirm({
    message: question,
    initialValue: true,
    input: terminal.input,
    output: terminal.output,
  });
  return answer === true;
}

/**
 * Makes `commands` runnable as printed, or says how, then prints them. Returns whether an
 * install was attempted and failed.
 */
export async function offerInstallThenHint(
  context: CliContext,
  out: Printer,
  commands: readonly string[],
): Promise<boolean> {
  const directory = userPluginDirectory(context.platform, context.home);
  const shownDirectory = printable(directory);
  const missingNow = () => [...NEEDED.keys()].filter((plugin) => !hasBundledPlugin(plugin, directory, context));
  const missing = missingNow();
  let failed = false;
  if (missing.length === 0) {
    out.line(`Next (${labels([...NEEDED.keys()])} are installed in ${shownDirectory}):`);
  } else {
    if (
      await confirmInstall(context, `Install ${labels(missing)} into ${shownDirectory}, so the commands below work?`)
    ) {
      for (const plugin of missing) {
        try {
          const built = await installBundledPlugin(context, plugin, directory);
          out.success(`Installed ${NEEDED.get(plugin)} as ${printable(built.path)}`);
        } catch (error) {
          reportFailure(out, context, error, `Unable to install ${NEEDED.get(plugin)}`);
          failed = true;
        }
      }
    }
    const stillMissing = missingNow();
    if (stillMissing.length === 0) out.line("Next:");
    else {
      out.line(`Next: install ${labels(stillMissing)} into your plugin folder (${shownDirectory}):`);
      out.line(`  ${installCommand(stillMissing)}`);
      out.line("then:");
    }
  }
  for (const command of commands) out.line(`  ${command}`);
  return failed;
}

/**
 * `memflow-ts setup`: the interactive wizard (clack). Plugin folder, registry and public key,
 * plugins to pull, the dummy connector and the dummy OS built and installed, doctor, and a first
 * read through the dummy connector. Each answer starts from the current state, so re-running it is a review.
 * Without a terminal it only runs with `--yes` (defaults and flags, no prompts).
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import * as prompts from "@clack/prompts";
import { Inventory } from "@memflow-ts/core/inventory";
import { hostFor, printable, printableLines, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { type BundledPlugin, buildPluginAsync, bundledPluginBuild } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { readConfig, writeConfig } from "../config/memflowup-config.ts";
import { failureMessage, failureText } from "../error-report.ts";
import { runDoctor } from "../inventory/doctor/run-doctor.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { type CliContext, canPrompt, ExitCode } from "../io.ts";
import { localPlugins } from "../local/local-plugins.ts";
import { printer } from "../output.ts";
import { pullPlugin } from "../registry/pull-plugin.ts";
import { loadPublicKey } from "../registry/signing-keys.ts";
import { askRegistry, pluginOptions } from "../setup/registry-question.ts";
import { currentState, type SetupState, savePluginDirectory } from "../setup/setup-state.ts";
import { withSpinner } from "../spinner.ts";

const USAGE = `Usage: memflow-ts setup [--yes] [--plugin-dir <dir>] [--registry <url>] [--pub-key <file>] [--pull <name>]… [--no-dummy]

Interactive set-up: plugin folder, registry and public key, plugins to pull, the dummy
connector and OS, a doctor check and a first memory read. Every question starts from the current
state. Without a terminal, pass --yes to accept the defaults (changed with the flags).`;

class Cancelled extends Error {}

/** What the run does, once every question is answered. */
interface Plan extends SetupState {
  pull: string[];
  buildDummy: boolean;
}

function expandHome(path: string, context: CliContext): string {
  if (path === "~") return context.home;
  if (path.startsWith("~/")) return join(context.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(context.cwd, path);
}

function checkKeyFile(path: string, context: CliContext): string | undefined {
  if (path === "") return undefined;
  try {
    loadPublicKey(expandHome(path, context));
    return undefined;
  } catch (error) {
    return failureMessage(error);
  }
}

/** Asks every question, starting from `state`. */
async function ask(
  context: CliContext,
  state: SetupState,
  flags: { pull: string[] | undefined; dummy: boolean },
): Promise<Plan> {
  const io = { input: context.terminal?.input, output: context.terminal?.output };
  const answer = <T>(value: T): Exclude<T, symbol> => {
    if (prompts.isCancel(value)) throw new Cancelled();
    return value as Exclude<T, symbol>;
  };
  const userDirectory = userPluginDirectory(context.platform, context.home);
  const where = answer(
    await prompts.select({
      ...io,
      message: "Where should plugins be installed?",
      initialValue: state.pluginDirectory === userDirectory ? "user" : "custom",
      options: [
        { value: "user", label: userDirectory, hint: "memflow and memflowup use this folder" },
        { value: "custom", label: "Another folder", hint: "memflow finds it through MEMFLOW_PLUGIN_PATH" },
      ],
    }),
  );
  let pluginDirectory = userDirectory;
  if (where === "custom") {
    const typed = answer(
      await prompts.text({
        ...io,
        message: "Plugin folder",
        initialValue: state.pluginDirectory === userDirectory ? "" : state.pluginDirectory,
        validate: (value) => (value?.trim() ? undefined : "give a folder, for example ~/memflow-plugins"),
      }),
    );
    pluginDirectory = expandHome(typed.trim(), context);
  }
  const { registry, choices } = await askRegistry(io, answer, state.registry, hostFor(context.platform, context.arch));
  const publicKeyFile = answer(
    await prompts.text({
      ...io,
      message: "Public key the registry's plugins are signed with (empty: the official memflow key)",
      initialValue: state.publicKeyFile,
      validate: (value) => checkKeyFile(value?.trim() ?? "", context),
    }),
  ).trim();

  let pull = flags.pull ?? [];
  if (flags.pull === undefined && choices.length > 0) {
    const installed = new Set(
      localPlugins(pluginDirectory, context.platform).plugins.map((plugin) => plugin.descriptor.name),
    );
    pull = answer(
      await prompts.groupMultiselect({
        ...io,
        message: "Plugins to install or update (space selects, enter confirms)",
        options: pluginOptions(choices),
        initialValues: choices.filter((choice) => installed.has(choice.name)).map((choice) => choice.name),
        required: false,
      }),
    );
  }
  const buildDummy = flags.dummy
    ? answer(
        await prompts.confirm({
          ...io,
          message: "Build and install the dummy connector and the dummy OS (for trying things out)?",
          initialValue: true,
        }),
      )
    : false;
  return { pluginDirectory, registry, publicKeyFile, pull, buildDummy };
}

/** How apply() reports: clack's log and spinner in the wizard, the printer and withSpinner with --yes. */
interface Reporter {
  log(kind: "success" | "warn" | "info", text: string): void;
  /** Runs work that takes a while (pulls, compiling) under a spinner labelled `label`. */
  busy<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/** Carries out the plan; returns how many steps failed. */
async function apply(context: CliContext, plan: Plan, reporter: Reporter): Promise<number> {
  const log = reporter.log;
  let failures = 0;
  const config = readConfig(context);
  const official = plan.registry.replace(/\/+$/, "") === "https://registry.memflow.io";
  const next = {
    ...config,
    registry: official && config.registry === null ? null : plan.registry,
    pub_key_file: plan.publicKeyFile === "" ? null : expandHome(plan.publicKeyFile, context),
  };
  if (next.registry !== config.registry || next.pub_key_file !== config.pub_key_file) {
    writeConfig(context, next);
    log("success", "Saved the registry settings to memflowup's config.json");
  }
  savePluginDirectory(context, plan.pluginDirectory);
  if (plan.pluginDirectory !== userPluginDirectory(context.platform, context.home)) {
    const listed = (context.env.MEMFLOW_PLUGIN_PATH ?? "").split(":").includes(plan.pluginDirectory);
    if (!listed)
      log(
        "info",
        `memflow finds ${plan.pluginDirectory} only through MEMFLOW_PLUGIN_PATH: add\n  export MEMFLOW_PLUGIN_PATH=${plan.pluginDirectory}\nto your shell profile`,
      );
  }

  if (plan.pull.length > 0) {
    const out = printer(context, { quiet: true });
    const settings = {
      defaultRegistry: plan.registry,
      force: false,
      key: loadPublicKey(plan.publicKeyFile === "" ? undefined : expandHome(plan.publicKeyFile, context)),
      host: hostFor(context.platform, context.arch),
      platform: context.platform,
      pluginDirectory: plan.pluginDirectory,
    };
    const quietProgress = { track: () => () => {}, done: () => {}, clear: () => {} };
    for (const name of plan.pull) {
      // The registry named it (the plugin question's answers are its names).
      const shown = printable(name);
      try {
        const outcome = await reporter.busy(`Pulling ${shown}`, () => pullPlugin(name, settings, out, quietProgress));
        log("success", outcome === "installed" ? `Installed ${shown}` : `${shown} is up to date`);
      } catch (error) {
        log("warn", `Could not install ${shown}: ${failureText(error)}`);
        failures += 1;
      }
    }
  }

  if (plan.buildDummy) {
    // Two libraries, each with its own descriptor: `-c dummy -o dummy` then works from the CLI.
    const bundled: readonly [BundledPlugin, string][] = [
      ["dummy", "the dummy connector"],
      ["dummy-os", "the dummy OS"],
    ];
    for (const [plugin, what] of bundled) {
      try {
        const built = await reporter.busy(`Building ${what}`, () =>
          buildPluginAsync(bundledPluginBuild(plugin, plan.pluginDirectory)),
        );
        log("success", `Installed ${what}: ${built.path}`);
      } catch (error) {
        log("warn", `Could not build ${what}: ${failureText(error)}`);
        failures += 1;
      }
    }
  }

  const report = runDoctor(
    { ...context, env: { ...context.env, MEMFLOW_PLUGIN_PATH: plan.pluginDirectory } },
    {
      passwdPath: "/etc/passwd",
    },
  );
  const errors = report.findings.filter((finding) => finding.severity === "error");
  const warnings = report.findings.filter((finding) => finding.severity === "warning");
  log(
    errors.length > 0 ? "warn" : "success",
    `doctor: ${report.plugins} plugin${report.plugins === 1 ? "" : "s"} load, ${errors.length} error${errors.length === 1 ? "" : "s"}, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` +
      errors
        .map((finding) => `\n  - ${printable(`${finding.message}${finding.fix ? ` (${finding.fix})` : ""}`)}`)
        .join(""),
  );

  if (plan.buildDummy && existsSync(plan.pluginDirectory)) {
    try {
      using connector = Inventory.scanPath(plan.pluginDirectory).instantiateConnector("dummy", undefined, ":size=1m");
      const greeting = new TextEncoder().encode("hello from setup");
      connector.write(0x2000n, greeting);
      log(
        "success",
        `Read 16 bytes through the dummy connector:\n${hexdump(connector.read(0x2000n, 16), 0x2000n).trimEnd()}`,
      );
    } catch (error) {
      log("warn", `Could not read through the dummy connector: ${failureText(error)}`);
      failures += 1;
    }
  }
  return failures;
}

export const setupCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      yes: { type: "boolean", short: "y" },
      "plugin-dir": { type: "string" },
      registry: { type: "string", short: "r" },
      "pub-key": { type: "string", short: "p" },
      pull: { type: "string", multiple: true },
      "no-dummy": { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`setup takes no arguments (got ${positionals.join(" ")})`);
    const state = currentState(context);
    if (values["plugin-dir"]) state.pluginDirectory = expandHome(values["plugin-dir"], context);
    if (values.registry) state.registry = values.registry;
    if (values["pub-key"] !== undefined) state.publicKeyFile = values["pub-key"];
    const out = printer(context);

    if (values.yes) {
      const keyProblem = checkKeyFile(state.publicKeyFile, context);
      if (keyProblem) throw new UsageError(`--pub-key: ${keyProblem}`, { showUsage: false });
      const plan: Plan = { ...state, pull: values.pull ?? [], buildDummy: !values["no-dummy"] };
      const failures = await apply(context, plan, {
        log: (kind, text) =>
          kind === "success" ? out.success(text) : kind === "warn" ? out.failure(text) : out.info(text),
        busy: (label, work) => withSpinner(context, label, work),
      });
      return failures === 0 ? ExitCode.ok : ExitCode.failed;
    }
    // canPrompt's answer is cheap and approximate; the streams themselves are the last word.
    if (!canPrompt(context) || context.terminal?.input.isTTY !== true || context.terminal.output.isTTY !== true) {
      throw new UsageError(
        "setup asks questions and needs a terminal; without one, run memflow-ts setup --yes (see the flags below)",
      );
    }
    const output = context.terminal?.output;
    prompts.intro("memflow-ts setup", { output });
    try {
      const plan = await ask(context, state, { pull: values.pull, dummy: !values["no-dummy"] });
      // clack draws whatever it is given: what came from outside is escaped here, line breaks kept.
      const failures = await apply(context, plan, {
        log: (kind, text) =>
          kind === "success"
            ? prompts.log.success(printableLines(text), { output })
            : kind === "warn"
              ? prompts.log.warn(printableLines(text), { output })
              : prompts.log.info(printableLines(text), { output }),
        busy: async (label, work) => {
          const spin = prompts.spinner({ output });
          spin.start(printable(label));
          try {
            return await work();
          } finally {
            // The log line that follows says how it went.
            spin.clear();
          }
        },
      });
      prompts.outro(
        failures === 0
          ? "Setup complete. Next: memflow-ts list, memflow-ts read -c dummy::size=1m 0x2000 16"
          : `Setup finished with ${failures} problem${failures === 1 ? "" : "s"} (above)`,
        { output },
      );
      return failures === 0 ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      if (!(error instanceof Cancelled)) throw error;
      prompts.cancel("Setup cancelled; nothing more was changed.", { output });
      return ExitCode.failed;
    }
  },
};

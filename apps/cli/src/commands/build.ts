/**
 * `memflow-ts build <git-url | --path dir>` (memflowup's `build`): builds a plugin from source and
 * installs it. Rust crates go through cargo when it is installed; C projects through the SDK.
 * Unlike memflowup, a failing git or cargo stops the build with its output, the clone is a full
 * one (so --branch and --tag work), and any git host is accepted.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { BuildError, installPluginFile } from "@memflow-ts/sdk";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { CliFailure } from "../failure.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { type Printer, printer } from "../output.ts";
import { withSpinner } from "../spinner.ts";
import { buildProject } from "./plugin-build.ts";

/** Runs a command under a spinner; a failure carries its last lines of output. */
async function run(command: string[], cwd: string, context: CliContext, label: string): Promise<void> {
  const [stdout, stderr, code] = await withSpinner(context, label, () => {
    const child = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe" });
    return Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  });
  if (code === 0) return;
  throw new CliFailure(
    `${command.join(" ")} failed (exit code ${code}):\n${`${stdout}${stderr}`.trim().split("\n").slice(-15).join("\n")}`,
  );
}

const LIBRARY = /\.(so|dylib|dll)$/;

async function buildCrate(context: CliContext, dir: string, allFeatures: boolean, out: Printer): Promise<ExitCode> {
  const cargo = Bun.which("cargo");
  if (!cargo) {
    throw new CliFailure(
      "this is a Rust crate and cargo is not installed: install Rust from https://rustup.rs and run build again",
    );
  }
  out.info(`Building ${dir} with cargo (release)`);
  const cargoBuild = [cargo, "build", "--release", ...(allFeatures ? ["--all-features"] : [])];
  await run(cargoBuild, dir, context, "cargo build --release");
  const release = join(dir, "target", "release");
  const libraries = existsSync(release) ? readdirSync(release).filter((name) => LIBRARY.test(name)) : [];
  const outDir = userPluginDirectory(context.platform, context.home);
  let installed = 0;
  for (const library of libraries) {
    try {
      const plugin = installPluginFile({ file: join(release, library), outDir });
      out.success(`Installed ${plugin.path}`);
      installed += 1;
    } catch (error) {
      // cargo also builds libraries that are no plugins (dependencies): skip those.
      if (!(error instanceof BuildError)) throw error;
    }
  }
  if (installed === 0) throw new CliFailure(`cargo built no library with a memflow plugin descriptor in ${release}`);
  return ExitCode.ok;
}

export const buildCommand: Command = {
  usage: `Usage: memflow-ts build <repository-url | --path <dir>> [--branch <b>] [--tag <t>] [--all-features]

Builds a plugin from source and installs it into the user plugin folder: a Rust crate with
cargo, or a C connector project (src/*.c) with the SDK.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      path: { type: "boolean", short: "p" },
      branch: { type: "string" },
      tag: { type: "string" },
      "all-features": { type: "boolean" },
      name: { type: "string" },
    });
    const [source, ...extra] = positionals;
    if (source === undefined || extra.length > 0) throw new UsageError("give one repository URL, or --path <dir>");
    if (values.branch && values.tag) throw new UsageError("--branch and --tag exclude each other");
    const out = printer(context);
    let dir = resolve(context.cwd, source);
    let clone: string | undefined;
    try {
      if (!values.path) {
        const git = Bun.which("git");
        if (!git)
          throw new CliFailure("git is not installed (Debian package git); or build a local folder with --path");
        clone = mkdtempSync(join(tmpdir(), "memflow-ts-build-"));
        dir = join(clone, "source");
        out.info(`Cloning ${source}`);
        await run([git, "clone", "--quiet", source, dir], context.cwd, context, `Cloning ${source}`);
        const ref = values.tag ?? values.branch;
        if (ref) await run([git, "checkout", "--quiet", ref], dir, context, `Checking out ${ref}`);
      } else if (values.branch || values.tag) {
        throw new UsageError("--branch and --tag apply to a repository, not to --path");
      }
      if (!existsSync(dir)) throw new CliFailure(`${dir} does not exist`);
      if (existsSync(join(dir, "Cargo.toml")))
        return await buildCrate(context, dir, values["all-features"] ?? false, out);
      return await buildProject(context, dir, userPluginDirectory(context.platform, context.home), values.name);
    } finally {
      if (clone) rmSync(clone, { recursive: true, force: true });
    }
  },
};

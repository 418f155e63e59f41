/**
 * The release: applies pending changesets (versions, changelogs) and commits them, builds the
 * workspace, publishes every public package whose version is not on the registry yet,
 * dependencies first, with `bun publish` (which rewrites `workspace:*` to real versions;
 * `changeset publish` would ship `workspace:*` verbatim under Bun), then tags the release with
 * `changeset git-tag`. The CLI goes out with its platform packages (cli-platform-packages.ts):
 * the single-file executable of each target, built here and published just before the CLI, which
 * is published with them as exact-version `optionalDependencies` (decision 0007).
 *
 *   bun run release                           release to npm (needs `bunx npm login` or NPM_CONFIG_TOKEN)
 *   bun run release -- --registry <url>       release to another registry (a local Verdaccio, say)
 *   bun run release -- --dry-run              show what would be versioned and published; change nothing
 *   bun run release -- --bin-target <t>       the CLI's executables for these targets only (repeatable;
 *                                             every target of build-bin.ts's BIN_TARGETS by default)
 *
 * It starts only from a clean git working tree, so the version commit holds the versions alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replaceFileDurably } from "../../packages/core/src/plugin-files/durable-file.ts";
import { BIN_TARGETS, type BinTarget, buildExecutable } from "./build-bin.ts";
import {
  CLI_PACKAGE,
  cliOptionalDependencies,
  cliPlatformPackage,
  writeCliPlatformPackage,
} from "./cli-platform-packages.ts";

interface Workspace {
  directory: string;
  name: string;
  version: string;
  private: boolean;
  internalDependencies: string[];
}

const root = join(import.meta.dir, "..", "..");
/**
 * The Bun running this script, for its sub-commands: the `bun` on PATH may be another version,
 * or absent (CI runs `npx bun`).
 */
const bun = process.execPath;
const USAGE = "usage: bun run release [-- --registry <url>] [-- --dry-run] [-- --bin-target <target>…]";

function readOptions(): { registry: string | undefined; dryRun: boolean; binTargets: readonly BinTarget[] } {
  try {
    const { values } = parseArgs({
      args: Bun.argv.slice(2),
      options: {
        registry: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        "bin-target": { type: "string", multiple: true },
      },
    });
    if (values.registry !== undefined && !URL.canParse(values.registry)) {
      throw new Error(`--registry ${values.registry} is not a URL (for example http://127.0.0.1:4873/)`);
    }
    const binTargets = values["bin-target"] ?? [...BIN_TARGETS];
    const unknown = binTargets.filter((target) => !(BIN_TARGETS as readonly string[]).includes(target));
    if (unknown.length > 0) {
      throw new Error(`--bin-target ${unknown.join(", ")}: the targets are ${BIN_TARGETS.join(", ")}`);
    }
    return { registry: values.registry, dryRun: values["dry-run"], binTargets: binTargets as BinTarget[] };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

function readWorkspaces(): Workspace[] {
  const manifests = ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group)).map((entry) => join(root, group, entry)),
  );
  const parsed = manifests.map((directory) => {
    const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
      name: string;
      version: string;
      private?: boolean;
      dependencies?: Record<string, string>;
    };
    return { directory, manifest };
  });
  const names = new Set(parsed.map(({ manifest }) => manifest.name));
  return parsed.map(({ directory, manifest }) => ({
    directory,
    name: manifest.name,
    version: manifest.version,
    private: manifest.private === true,
    internalDependencies: Object.keys(manifest.dependencies ?? {}).filter((name) => names.has(name)),
  }));
}

/** Dependencies before dependents, so a consumer never sees a version that points at a missing one. */
function publishOrder(workspaces: Workspace[]): Workspace[] {
  const byName = new Map(workspaces.map((workspace) => [workspace.name, workspace]));
  const ordered: Workspace[] = [];
  const visiting = new Set<string>();
  const visit = (workspace: Workspace): void => {
    if (ordered.includes(workspace)) return;
    if (visiting.has(workspace.name)) throw new Error(`dependency cycle through ${workspace.name}`);
    visiting.add(workspace.name);
    for (const dependency of workspace.internalDependencies) {
      const target = byName.get(dependency);
      if (target) visit(target);
    }
    visiting.delete(workspace.name);
    ordered.push(workspace);
  };
  workspaces.forEach(visit);
  return ordered;
}

/** The `.changeset/*.md` files waiting to be applied (its README aside). */
function pendingChangesets(): string[] {
  return readdirSync(join(root, ".changeset")).filter((file) => file.endsWith(".md") && file !== "README.md");
}

async function output(command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(command, { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  return { code: await child.exited, stdout, stderr };
}

async function run(command: readonly string[], cwd = root): Promise<void> {
  console.log(`$ ${command.join(" ")}`);
  const child = Bun.spawn([...command], { cwd, stdio: ["inherit", "inherit", "inherit"] });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${command.join(" ")} failed with exit code ${code} in ${cwd}`);
}

async function requireCleanTree(): Promise<void> {
  const status = await output(["git", "status", "--porcelain"]);
  if (status.code !== 0) throw new Error("the release runs from a git clone of the repository (git status failed)");
  if (status.stdout.trim() !== "") {
    throw new Error(
      `commit or discard these changes first, so the version commit holds only versions:\n${status.stdout}`,
    );
  }
}

/** `bun info`'s answers when the package, or that version of it, is not on the registry. */
const NOT_PUBLISHED = /404 Not Found|No version of/;

/** Whether the registry has this version; throws when the registry cannot be asked. */
async function isPublished(name: string, version: string, registryFlag: readonly string[]): Promise<boolean> {
  const info = await output([bun, "info", `${name}@${version}`, "version", ...registryFlag]);
  if (info.code === 0 && info.stdout.trim() === version) return true;
  if (NOT_PUBLISHED.test(info.stderr)) return false;
  throw new Error(`cannot ask the registry about ${name}@${version}: ${info.stderr.trim()}`);
}

/** Applies the pending changesets, refreshes bun.lock for the new versions and commits both. */
async function applyVersions(changesets: string[]): Promise<void> {
  await run([bun, "x", "--bun", "changeset", "version"]);
  await run([bun, "install"]);
  await run(["git", "add", "--all"]);
  await run(["git", "commit", "--quiet", "-m", `release: version packages (${changesets.length} changesets)`]);
}

/** Builds the CLI's executable for each target into `folder` and makes its platform package there. */
async function buildPlatformPackages(targets: readonly BinTarget[], version: string, folder: string) {
  const packages: { name: string; directory: string }[] = [];
  for (const target of targets) {
    console.log(`$ build the memflow-ts executable for ${target}`);
    const executable = await buildExecutable(target, "memflow-ts", join(folder, "bin"));
    const directory = join(folder, target, "package");
    writeCliPlatformPackage(target, executable, version, directory);
    packages.push({ name: cliPlatformPackage(target), directory });
  }
  return packages;
}

/** Publishes the CLI with its platform packages as optional dependencies, leaving package.json as it was. */
async function publishCli(cli: Workspace, targets: readonly BinTarget[], publish: readonly string[]): Promise<void> {
  const manifestPath = join(cli.directory, "package.json");
  const original = readFileSync(manifestPath, "utf8");
  const manifest = JSON.parse(original) as Record<string, unknown>;
  manifest.optionalDependencies = cliOptionalDependencies(targets, cli.version);
  // Durably, both ways: a release stopped half-way leaves one whole package.json or the other.
  replaceFileDurably(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await run(publish, cli.directory);
  } finally {
    replaceFileDurably(manifestPath, original);
  }
}

interface PublishOptions {
  readonly dryRun: boolean;
  readonly binTargets: readonly BinTarget[];
  readonly registryFlag: readonly string[];
  /** The registry, as the log names it. */
  readonly target: string;
}

/** The CLI's platform packages at `version` that the registry lacks, each named in the log. */
async function missingPlatformPackages(version: string, options: PublishOptions): Promise<BinTarget[]> {
  const missing: BinTarget[] = [];
  for (const each of options.binTargets) {
    const name = cliPlatformPackage(each);
    if (await isPublished(name, version, options.registryFlag)) {
      console.log(`skip ${name}@${version}: already on ${options.target}`);
      continue;
    }
    console.log(`${options.dryRun ? "would publish" : "publish"} ${name}@${version}`);
    missing.push(each);
  }
  return missing;
}

async function release(): Promise<void> {
  const { registry, dryRun, binTargets } = readOptions();
  const registryFlag = registry === undefined ? [] : ["--registry", registry];
  const publish = [bun, "publish", "--access", "public", ...registryFlag];
  const target = registry ?? "the default registry";
  const options: PublishOptions = { dryRun, binTargets, registryFlag, target };
  const changesets = pendingChangesets();
  if (dryRun) {
    console.log(
      `would apply ${changesets.length} changesets (the versions below are before them), ` +
        `run bun run build, build the CLI's executables for ${binTargets.join(", ")}, then publish to ${target}:`,
    );
  } else {
    await requireCleanTree();
    if (changesets.length > 0) await applyVersions(changesets);
    await run([bun, "run", "build"]);
  }
  const workspaces = publishOrder(readWorkspaces()).filter((workspace) => !workspace.private);
  const cli = workspaces.find((workspace) => workspace.name === CLI_PACKAGE);
  const platforms = cli === undefined ? [] : await missingPlatformPackages(cli.version, options);
  const builds = mkdtempSync(join(tmpdir(), "memflow-ts-release-"));
  try {
    // Every executable is built before anything is published: a target whose runtime Bun cannot
    // fetch stops the release while the registry has none of it.
    const built = dryRun || cli === undefined ? [] : await buildPlatformPackages(platforms, cli.version, builds);
    let published = 0;
    for (const workspace of workspaces) {
      // The executables before the CLI: a CLI on the registry always finds its platform packages.
      if (workspace === cli) for (const platform of built) await run(publish, platform.directory);
      if (await isPublished(workspace.name, workspace.version, registryFlag)) {
        console.log(`skip ${workspace.name}@${workspace.version}: already on ${target}`);
        continue;
      }
      console.log(`${dryRun ? "would publish" : "publish"} ${workspace.name}@${workspace.version}`);
      if (dryRun) continue;
      if (workspace === cli) await publishCli(workspace, binTargets, publish);
      else await run(publish, workspace.directory);
      published += 1;
    }
    if (published > 0) await run([bun, "x", "--bun", "changeset", "git-tag"]);
  } finally {
    rmSync(builds, { recursive: true, force: true });
  }
}

try {
  await release();
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

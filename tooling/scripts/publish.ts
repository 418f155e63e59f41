/**
 * The release: applies pending changesets (versions, changelogs) and commits them, builds the
 * workspace, publishes every public package whose version is not on the registry yet,
 * dependencies first, with `bun publish` (which rewrites `workspace:*` to real versions;
 * `changeset publish` would ship `workspace:*` verbatim under Bun), then tags the release with
 * `changeset git-tag`.
 *
 *   bun run release                           release to npm (needs `bunx npm login` or NPM_CONFIG_TOKEN)
 *   bun run release -- --registry <url>       release to another registry (a local Verdaccio, say)
 *   bun run release -- --dry-run              show what would be versioned and published; change nothing
 *
 * It starts only from a clean git working tree, so the version commit holds the versions alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

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
const USAGE = "usage: bun run release [-- --registry <url>] [-- --dry-run]";

function readOptions(): { registry: string | undefined; dryRun: boolean } {
  try {
    const { values } = parseArgs({
      args: Bun.argv.slice(2),
      options: { registry: { type: "string" }, "dry-run": { type: "boolean", default: false } },
    });
    if (values.registry !== undefined && !URL.canParse(values.registry)) {
      throw new Error(`--registry ${values.registry} is not a URL (for example http://127.0.0.1:4873/)`);
    }
    return { registry: values.registry, dryRun: values["dry-run"] };
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

async function run(command: string[], cwd = root): Promise<void> {
  console.log(`$ ${command.join(" ")}`);
  const child = Bun.spawn(command, { cwd, stdio: ["inherit", "inherit", "inherit"] });
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
async function isPublished(workspace: Workspace, registryFlag: string[]): Promise<boolean> {
  const info = await output([bun, "info", `${workspace.name}@${workspace.version}`, "version", ...registryFlag]);
  if (info.code === 0 && info.stdout.trim() === workspace.version) return true;
  if (NOT_PUBLISHED.test(info.stderr)) return false;
  throw new Error(`cannot ask the registry about ${workspace.name}@${workspace.version}: ${info.stderr.trim()}`);
}

/** Applies the pending changesets, refreshes bun.lock for the new versions and commits both. */
async function applyVersions(changesets: string[]): Promise<void> {
  await run([bun, "x", "--bun", "changeset", "version"]);
  await run([bun, "install"]);
  await run(["git", "add", "--all"]);
  await run(["git", "commit", "--quiet", "-m", `release: version packages (${changesets.length} changesets)`]);
}

async function release(): Promise<void> {
  const { registry, dryRun } = readOptions();
  const registryFlag = registry === undefined ? [] : ["--registry", registry];
  const target = registry ?? "the default registry";
  const changesets = pendingChangesets();
  if (dryRun) {
    console.log(
      `would apply ${changesets.length} changesets (the versions below are before them), ` +
        `run bun run build, then publish to ${target}:`,
    );
  } else {
    await requireCleanTree();
    if (changesets.length > 0) await applyVersions(changesets);
    await run([bun, "run", "build"]);
  }
  let published = 0;
  for (const workspace of publishOrder(readWorkspaces())) {
    if (workspace.private) continue;
    if (await isPublished(workspace, registryFlag)) {
      console.log(`skip ${workspace.name}@${workspace.version}: already on ${target}`);
      continue;
    }
    console.log(`${dryRun ? "would publish" : "publish"} ${workspace.name}@${workspace.version}`);
    if (dryRun) continue;
    await run([bun, "publish", "--access", "public", ...registryFlag], workspace.directory);
    published += 1;
  }
  if (published > 0) await run([bun, "x", "--bun", "changeset", "git-tag"]);
}

try {
  await release();
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

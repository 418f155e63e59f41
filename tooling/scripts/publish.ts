/**
 * Publishes every public workspace package whose version is not on npm yet, dependencies
 * first, with `bun publish` (which rewrites `workspace:*` to real versions; `changeset publish`
 * would ship `workspace:*` verbatim under Bun). Then tags the release with `changeset tag`.
 *
 *   bun run release              publish for real (needs `bunx npm login` or NPM_CONFIG_TOKEN)
 *   bun run release --dry-run    show what would be published
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Workspace {
  directory: string;
  name: string;
  version: string;
  private: boolean;
  internalDependencies: string[];
}

const root = join(import.meta.dir, "..", "..");
const dryRun = process.argv.includes("--dry-run");

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

async function isPublished(workspace: Workspace): Promise<boolean> {
  const info = Bun.spawn(["bun", "info", `${workspace.name}@${workspace.version}`, "version"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = await new Response(info.stdout).text();
  return (await info.exited) === 0 && output.trim() === workspace.version;
}

async function run(command: string[], cwd: string): Promise<void> {
  const child = Bun.spawn(command, { cwd, stdio: ["inherit", "inherit", "inherit"] });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${command.join(" ")} failed with exit code ${code} in ${cwd}`);
}

let published = 0;
for (const workspace of publishOrder(readWorkspaces())) {
  if (workspace.private) continue;
  if (await isPublished(workspace)) {
    console.log(`skip ${workspace.name}@${workspace.version}: already on npm`);
    continue;
  }
  console.log(`${dryRun ? "would publish" : "publish"} ${workspace.name}@${workspace.version}`);
  if (!dryRun) {
    await run(["bun", "publish", "--access", "public"], workspace.directory);
    published += 1;
  }
}
if (published > 0) await run(["bunx", "--bun", "changeset", "tag"], root);

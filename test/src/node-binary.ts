import { accessSync, constants, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The real path of `path`, or undefined when there is nothing there. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `candidate` (a `node` in `directory`) is Bun standing in for Node: the running Bun
 * itself, or a folder like Bun's `/tmp/bun-node-<hash>/`, where `node` and `bun` are the same
 * file. That folder is shared by every Bun of one version, so its `node` may be another Bun
 * install than the one running (a fresh machine's, say), which the first test alone misses.
 */
function isBunStandIn(candidate: string, directory: string, bun: string): boolean {
  const real = realPath(candidate);
  return real === bun || (real !== undefined && real === realPath(join(directory, "bun")));
}

/**
 * The real Node.js executable on PATH. `bun run` (with bunfig's `[run] bun = true`) puts a `node`
 * that is Bun itself first on PATH, so the first `node` found may not be Node at all.
 */
export function realNodeBinary(path = process.env.PATH ?? ""): string {
  const bun = realpathSync(process.execPath);
  for (const directory of path.split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, "node");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue; // not here; keep looking
    }
    if (!isBunStandIn(candidate, directory, bun)) return candidate;
  }
  throw new Error(
    "no Node.js executable on PATH (other than Bun's stand-in); install Node >= 20 (Debian package nodejs)",
  );
}

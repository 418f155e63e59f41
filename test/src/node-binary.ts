import { accessSync, constants, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";

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
      if (realpathSync(candidate) !== bun) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(
    "no Node.js executable on PATH (other than Bun's stand-in); install Node >= 20 (Debian package nodejs)",
  );
}

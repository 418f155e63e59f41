/**
 * Runs a program of this repository in the folder `bun run` was called from, for the root
 * scripts `cli`, `server` and `demo`:
 *
 *   bun tooling/scripts/in-caller-directory.ts <entry.ts> [args…]
 *
 * `bun run` starts every script in the folder of the package.json that defines it, so without
 * this `bun run cli -- plugin new x` from `docs/` would create `./x` at the repository root.
 * npm, pnpm and yarn name the caller's folder in `INIT_CWD`; Bun 1.4.5 sets no `INIT_CWD` but
 * puts the caller's folder in `npm_config_local_prefix` (npm puts the project root there). The
 * runner is told apart by `npm_config_user_agent` (`bun/…`, `npm/…`), so an `INIT_CWD` inherited
 * from an outer npm script never wins under Bun. The program itself never reads these variables:
 * after `chdir` its working directory is the user's, for its paths and its child processes alike.
 */
import { resolve } from "node:path";

/** The folder the user ran the script from, when the runner said; undefined otherwise. */
function callerDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const underBun = env.npm_config_user_agent?.startsWith("bun/") === true;
  const named = underBun ? env.npm_config_local_prefix : env.INIT_CWD;
  return named === undefined || named === "" ? undefined : named;
}

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write("usage: bun tooling/scripts/in-caller-directory.ts <entry.ts> [args…]\n");
  process.exit(2);
}
// Resolved before chdir: the entry is named relative to the repository root, where the script starts.
const program = resolve(entry);
const caller = callerDirectory(process.env);
if (caller !== undefined) {
  try {
    process.chdir(caller);
  } catch (error) {
    process.stderr.write(
      `[X] cannot enter the folder you ran this from (${caller}): ${(error as Error).message}\n    cd to an existing folder and run it again\n`,
    );
    process.exit(1);
  }
}
// The program reads its arguments from process.argv: it sees itself as the script, as when run directly.
process.argv = [process.argv[0] ?? "bun", program, ...args];
await import(program);

/**
 * Runs a program of this repository in the folder `bun run` was called from, for the root
 * scripts `cli`, `server` and `demo`:
 *
 *   bun tooling/scripts/in-caller-directory.ts <entry.ts> [args…]
 *
 * `bun run` starts every script in the folder of the package.json that defines it, so without
 * this `bun run cli -- plugin new x` from `docs/` would create `./x` at the repository root. The
 * runners say where they were called from in different ways, and each passes on variables it
 * does not set itself, so only what a runner always sets is trusted:
 *
 * - Bun 1.4.5 sets no `INIT_CWD`, but always sets `npm_config_local_prefix` to the caller's
 *   folder; npm always sets it to the project root, where the script starts. So a prefix that is
 *   not this folder is Bun's answer.
 * - npm (pnpm, yarn) always set `INIT_CWD` to the caller's folder and `npm_execpath` to
 *   themselves; Bun keeps an inherited `npm_execpath`, else names itself. So `INIT_CWD` counts
 *   unless `npm_execpath` is Bun: then it was inherited from an outer script, and the caller is
 *   this folder.
 *
 * The program itself never reads these variables: after `chdir` its working directory is the
 * user's, for its paths and its child processes alike.
 */
import { basename, resolve } from "node:path";

/** The folder the user ran the script from, when a runner said so; undefined to stay here. */
function callerDirectory(env: Readonly<Record<string, string | undefined>>, here: string): string | undefined {
  const prefix = env.npm_config_local_prefix;
  if (prefix && resolve(prefix) !== here) return prefix;
  const runner = basename(env.npm_execpath ?? "");
  const underBun = runner === "bun" || runner === "bun.exe";
  return env.INIT_CWD && !underBun ? env.INIT_CWD : undefined;
}

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write("usage: bun tooling/scripts/in-caller-directory.ts <entry.ts> [args…]\n");
  process.exit(2);
}
// Resolved before chdir: the entry is named relative to the repository root, where the script starts.
const program = resolve(entry);
const caller = callerDirectory(process.env, process.cwd());
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
// An entry that exports `main()` runs itself only as Bun's main module (the executables import it
// and call it), which an imported entry is not: call it here. Others run on import.
const loaded: { main?: () => Promise<void> } = await import(program);
if (typeof loaded.main === "function") await loaded.main();

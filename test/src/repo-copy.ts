/**
 * A throw-away git clone of the working tree as it is now (uncommitted changes included), for
 * tests that run commands which rewrite the repository (the release versions and commits).
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot, runCommand } from "./process.ts";

/** Git with no user or system configuration, and a fixed identity for the commits it makes. */
export const ISOLATED_GIT_ENV: Record<string, string> = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "memflow-ts release test",
  GIT_AUTHOR_EMAIL: "release-test@127.0.0.1",
  GIT_COMMITTER_NAME: "memflow-ts release test",
  GIT_COMMITTER_EMAIL: "release-test@127.0.0.1",
};

async function git(args: string[], cwd: string): Promise<string> {
  const result = await runCommand(["git", ...args], { cwd, env: { ...process.env, ...ISOLATED_GIT_ENV } });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed in ${cwd}:\n${result.stderr}`);
  return result.stdout;
}

/** Copies the tracked and new (not ignored) files into `destination` and commits them there. */
export async function copyWorkingTree(destination: string): Promise<void> {
  const listing = await git(["ls-files", "-co", "--exclude-standard", "-z"], repoRoot);
  for (const path of listing.split("\0")) {
    const source = join(repoRoot, path);
    if (path === "" || !existsSync(source)) continue; // deleted in the working tree
    mkdirSync(dirname(join(destination, path)), { recursive: true });
    copyFileSync(source, join(destination, path));
  }
  await git(["init", "--quiet", "--initial-branch=main"], destination);
  await git(["add", "--all"], destination);
  await git(["commit", "--quiet", "-m", "copy of the working tree"], destination);
}

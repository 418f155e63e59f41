/**
 * A temporary folder for the plugin-authoring tests: a HOME inside it (whose user plugin folder
 * is `pluginDir`) and the CLI run in-process there, removed after the file's tests.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/index.ts";
import { testContext } from "../capture.ts";

export interface AuthoringSandbox {
  readonly sandbox: string;
  readonly home: string;
  readonly pluginDir: string;
  /** `memflow-ts <args>` in `cwd` (default: the sandbox), with what it printed. */
  cli(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }>;
}

export function authoringSandbox(prefix: string): AuthoringSandbox {
  const sandbox = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));
  const home = join(sandbox, "home");
  return {
    sandbox,
    home,
    pluginDir: join(home, ".local", "lib", "memflow"),
    async cli(args, cwd = sandbox) {
      const { context, stdout, stderr } = testContext({ home, cwd });
      const code = await runCli(args, context);
      return { code, out: stdout.text(), err: stderr.text() };
    },
  };
}

/**
 * A test file's sandbox for the commands that look inside an OS: a home folder and a plugin
 * folder (reached through MEMFLOW_PLUGIN_PATH) that `build` fills once before the file's tests,
 * when gcc is there; everything is removed after them.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD_HOOK_TIMEOUT } from "../../../../tooling/testing/timeouts.ts";
import { cli } from "../run-cli.ts";
import { gcc } from "./plugins.ts";

export function osSandbox(prefix: string, build: (plugins: string) => void) {
  const sandbox = mkdtempSync(join(tmpdir(), prefix));
  const home = join(sandbox, "home");
  const plugins = join(sandbox, "plugins");
  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    if (gcc.available) build(plugins);
  }, BUILD_HOOK_TIMEOUT);
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));
  return {
    sandbox,
    home,
    plugins,
    /** The CLI in the sandbox's home, with its plugins. */
    run: (args: readonly string[], options: { stderrIsTTY?: boolean } = {}) =>
      cli(home, args, { env: { MEMFLOW_PLUGIN_PATH: plugins }, ...options }),
    /** The environment for the real executable (support/binary.ts). */
    env: () => ({ HOME: home, MEMFLOW_PLUGIN_PATH: plugins }),
  };
}

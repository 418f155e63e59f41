/**
 * The demo's closing hint works as printed: without a terminal the demo prints the exact command
 * that installs the dummy connector and OS, and after it the hint's commands run; in a real
 * terminal (tmux) it asks, and a yes installs them; a no prints the command instead.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import type { TmuxTerminal } from "../../../tooling/testing/tmux.ts";
import { NEXT_COMMANDS } from "../src/commands/demo.ts";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { cliTerminal } from "./support/cli-terminal.ts";

const tmux = requireTool("tmux", "tmux");
const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-demo-install-"));
const terminals: TmuxTerminal[] = [];
afterAll(() => {
  for (const terminal of terminals) terminal.kill();
  rmSync(sandbox, { recursive: true, force: true });
});

const INSTALL_COMMAND = "memflow-ts plugin install dummy dummy-os";
const READ_HINT = "memflow-ts read -c dummy 0x1000 64";

function freshHome(): string {
  const home = mkdtempSync(join(sandbox, "home-"));
  mkdirSync(home, { recursive: true });
  return home;
}

/** Runs a command line as the user would type it (`memflow-ts …`), in-process, in `home`. */
async function run(home: string, commandLine: string) {
  const { context, stdout, stderr } = testContext({ home, cwd: home });
  const code = await runCli(commandLine.split(" ").slice(1), context);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const installedLibraries = (home: string) =>
  readdirSync(join(home, ".local", "lib", "memflow")).filter((file) => /^libmemflow_dummy_[0-9a-f]{7}\.so$/.test(file));

describe.skipIf(!gcc.available)("memflow-ts demo without a terminal", () => {
  test("prints the install command; after it, the hint's commands work as printed", async () => {
    const home = freshHome();
    const demo = await run(home, "memflow-ts demo");
    expect(demo.code).toBe(ExitCode.ok);
    expect(demo.stdout).toContain(
      `Next: install the dummy connector and the dummy OS into your plugin folder (${join(home, ".local", "lib", "memflow")}):\n  ${INSTALL_COMMAND}\nthen:\n`,
    );
    for (const command of NEXT_COMMANDS) expect(demo.stdout).toContain(`\n  ${command}\n`);
    // Before the install, the hint's read finds no dummy connector by name.
    expect((await run(home, READ_HINT)).code).toBe(ExitCode.failed);

    const install = await run(home, INSTALL_COMMAND);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(ExitCode.ok);
    for (const command of NEXT_COMMANDS) {
      const result = await run(home, command);
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: ExitCode.ok, stderr: "" });
    }

    const again = await run(home, "memflow-ts demo");
    expect(again.code).toBe(ExitCode.ok);
    expect(again.stdout).toContain("Next (the dummy connector and the dummy OS are installed in");
    expect(again.stdout).not.toContain("plugin install");
  }, 120_000);
});

describe.skipIf(!tmux.available || !gcc.available)("memflow-ts demo in a terminal", () => {
  function terminal(home: string): TmuxTerminal {
    const session = cliTerminal("demo", { home, cwd: home, width: 160 });
    terminals.push(session);
    return session;
  }

  test("asks to install the dummy connector and OS; yes installs them and the hint's read works", async () => {
    const home = freshHome();
    const term = terminal(home);
    await term.waitFor("Install the dummy connector and the dummy OS into", 90_000);
    term.send("Enter");
    const done = await term.waitFor(/\[exit \d+\]/, 90_000);
    expect(done).toContain("Installed the dummy connector as");
    expect(done).toContain("Installed the dummy OS as");
    expect(done).toContain(READ_HINT);
    expect(done).not.toContain(INSTALL_COMMAND);
    expect(await term.exitCode()).toBe(0);
    expect(installedLibraries(home)).toHaveLength(2);
    const read = await run(home, READ_HINT);
    expect(read.stderr).toBe("");
    expect(read.code).toBe(ExitCode.ok);
    expect(read.stdout).toMatch(/^00001000 {2}/);
  }, 180_000);

  test("no installs nothing and prints the command", async () => {
    const home = freshHome();
    const term = terminal(home);
    await term.waitFor("Install the dummy connector and the dummy OS into", 90_000);
    term.send("Left");
    term.send("Enter");
    const done = await term.waitFor(/\[exit \d+\]/, 90_000);
    expect(done).toContain(INSTALL_COMMAND);
    expect(await term.exitCode()).toBe(0);
    expect(readdirSync(home)).not.toContain(".local");
  }, 180_000);
});

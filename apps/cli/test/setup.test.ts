/**
 * The setup wizard end to end in a real terminal (tmux): a real registry on 127.0.0.1, a fresh
 * HOME, keys sent as a person would press them. Then a second run, which must start from the
 * answers of the first. And the non-terminal paths: --yes, and a clear refusal without it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import type { TmuxTerminal } from "../../../tooling/testing/tmux.ts";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { HOST_FIXTURE, PUBLIC_KEY_PEM, registryFixture, startRegistry, type TestRegistry } from "./registry-server.ts";
import { cliTerminal } from "./support/cli-terminal.ts";
import { startHostileRegistry } from "./support/hostile-registry.ts";

const tmux = requireTool("tmux", "tmux");
const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-setup-"));
let registry: TestRegistry;
const terminals: TmuxTerminal[] = [];

beforeAll(() => {
  registry = startRegistry();
  registry.add(registryFixture(HOST_FIXTURE.file));
  registry.add(registryFixture(HOST_FIXTURE.other));
});
afterAll(async () => {
  for (const terminal of terminals) terminal.kill();
  await registry.stop();
  rmSync(sandbox, { recursive: true, force: true });
});

/** A URL on 127.0.0.1 where nothing listens (a server was there a moment ago). */
async function closedPortUrl(): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}

function terminal(home: string, args: string): TmuxTerminal {
  const session = cliTerminal(`setup ${args}`, { home, cwd: sandbox });
  terminals.push(session);
  return session;
}

describe.skipIf(!tmux.available || !gcc.available)("memflow-ts setup in a terminal", () => {
  const home = join(sandbox, "home");
  const pluginDir = join(home, ".local", "lib", "memflow");

  test("a first run: pick a plugin, build the dummy, read through it", async () => {
    const term = terminal(home, `--registry ${registry.url} --pub-key ${PUBLIC_KEY_PEM}`);
    await term.waitFor("Where should plugins be installed?");
    term.send("Enter");
    await term.waitFor("Plugin registry");
    expect(term.screen()).toContain(registry.url);
    term.send("Enter");
    await term.waitFor("Public key");
    term.send("Enter");
    await term.waitFor("Plugins to install or update", 30_000);
    const screen = term.screen();
    expect(screen).toContain(HOST_FIXTURE.name);
    // Built for another architecture: not offered.
    expect(screen).not.toContain(HOST_FIXTURE.otherName);
    expect(screen).toContain("(and 1 built for others)");
    // The cursor starts on the group: space selects every connector in it.
    term.send("Space");
    term.send("Enter");
    await term.waitFor("Build and install the dummy connector");
    term.send("Enter");
    const done = await term.waitFor(/Setup complete|Setup finished|\[exit \d+\]/, 90_000);
    expect(done).toContain(`Installed ${HOST_FIXTURE.name}`);
    expect(done).toContain("Installed the dummy connector");
    expect(done).toContain("Installed the dummy OS");
    expect(done).toContain("hello from setup");
    expect(await term.exitCode(30_000)).toBe(0);

    const files = readdirSync(pluginDir);
    expect(files.filter((name) => name.startsWith(`libmemflow_${HOST_FIXTURE.name}_`))).toHaveLength(2);
    // The dummy connector and the dummy OS, each a library with its .meta (both named after their descriptor, `dummy`).
    expect(files.filter((name) => name.startsWith("libmemflow_dummy_"))).toHaveLength(4);
    const config = JSON.parse(readFileSync(join(home, ".config", "memflowup", "config.json"), "utf8"));
    expect(config).toEqual({ registry: registry.url, token: null, pub_key_file: PUBLIC_KEY_PEM, priv_key_file: null });
  }, 180_000);

  test("a second run starts from the first run's answers", async () => {
    const term = terminal(home, "--no-dummy");
    await term.waitFor("Where should plugins be installed?");
    term.send("Enter");
    await term.waitFor("Plugin registry");
    expect(term.screen()).toContain(registry.url);
    term.send("Enter");
    await term.waitFor("Public key");
    expect(term.screen()).toContain(PUBLIC_KEY_PEM);
    term.send("Enter");
    await term.waitFor("Plugins to install or update", 30_000);
    // Installed plugins start selected.
    expect(term.screen()).toMatch(new RegExp(`◼ ${HOST_FIXTURE.name}`));
    term.send("Enter");
    const done = await term.waitFor(/Setup complete|\[exit \d+\]/, 60_000);
    expect(done).toContain(`${HOST_FIXTURE.name} is up to date`);
    expect(await term.exitCode(30_000)).toBe(0);
  }, 120_000);

  test("a registry that cannot be reached is asked again, not saved, unless the user keeps it", async () => {
    const deadHome = join(sandbox, "dead-registry-home");
    const dead = await closedPortUrl();
    const term = terminal(deadHome, `--registry ${dead} --no-dummy`);
    await term.waitFor("Where should plugins be installed?");
    term.send("Enter");
    await term.waitFor("Plugin registry");
    term.send("Enter");
    await term.waitFor("although it could not be reached?", 30_000);
    expect(term.screen()).toContain(`Could not reach ${dead}`);
    // The default answer is no: the question comes again, with the URL to correct.
    term.send("Enter");
    await term.waitFor(/Plugin registry[\s\S]*Plugin registry/);
    term.send("-N", String(dead.length), "BSpace");
    term.type(registry.url);
    term.send("Enter");
    await term.waitFor("Public key");
    term.send("Enter");
    await term.waitFor("Plugins to install or update", 30_000);
    term.send("Enter");
    expect(await term.exitCode(60_000)).toBe(0);
    const config = JSON.parse(readFileSync(join(deadHome, ".config", "memflowup", "config.json"), "utf8"));
    expect(config.registry).toBe(registry.url);
  }, 120_000);

  test("a registry's escape sequences reach the screen as text and never retitle the terminal", async () => {
    const hostile = startHostileRegistry(registry.url, "text");
    try {
      const term = terminal(join(sandbox, "hostile-home"), `--registry ${hostile.url} --no-dummy`);
      await term.waitFor("Where should plugins be installed?");
      term.send("Enter");
      await term.waitFor("Plugin registry");
      term.send("Enter");
      await term.waitFor("Public key", 30_000);
      term.send("Enter");
      // The option's label holds the version; its hint, shown for the option under the cursor, the description.
      await term.waitFor("Plugins to install or update", 30_000);
      expect(term.screen()).toContain("0.1.0\\x1b]0;PWNED\\x07\\x1b[31m\\x9b2J");
      term.send("Down");
      // clack wraps the hint: its end is enough.
      await term.waitFor("\\x1b]0;PWNED\\x07\\x1b[31m\\x9b2J)");
      expect(term.paneTitle()).not.toContain("PWNED");
      term.send("C-c");
      expect(await term.exitCode()).toBe(1);
    } finally {
      await hostile.stop();
    }
  }, 60_000);

  test("Ctrl-C cancels cleanly with exit code 1", async () => {
    const term = terminal(join(sandbox, "cancel-home"), "");
    await term.waitFor("Where should plugins be installed?");
    term.send("C-c");
    await term.waitFor("Setup cancelled");
    expect(await term.exitCode()).toBe(1);
    expect(existsSync(join(sandbox, "cancel-home", ".config", "memflowup", "config.json"))).toBe(false);
  }, 60_000);
});

describe("memflow-ts setup without a terminal", () => {
  test("refuses to prompt and names --yes", async () => {
    const { context, stderr } = testContext({ home: join(sandbox, "no-tty"), cwd: sandbox });
    expect(await runCli(["setup"], context)).toBe(ExitCode.usage);
    expect(stderr.text()).toContain("memflow-ts setup --yes");
  });

  test("--yes keeps pull's hint when the plugins are signed with another key than the one given", async () => {
    const home = join(sandbox, "yes-wrong-key");
    const { context, stderr } = testContext({ home, cwd: sandbox });
    const code = await runCli(
      ["setup", "--yes", "--registry", registry.url, "--pull", HOST_FIXTURE.name, "--no-dummy"],
      context,
    );
    expect(code).toBe(ExitCode.failed);
    const text = stderr.text();
    expect(text).toContain(`[X] Could not install ${HOST_FIXTURE.name}: Plugin signature verification failed\n`);
    expect(text).toContain("    in case you're using a self-hosted registry, please provide its public key:\n");
    expect(text).toContain("    --pub-key <pem>, or memflow-ts config set pub_key_file <pem>");
  });

  test.skipIf(!gcc.available)(
    "--yes installs what the flags say and reads through the dummy",
    async () => {
      const home = join(sandbox, "yes-home");
      const { context, stdout, stderr } = testContext({ home, cwd: sandbox });
      const code = await runCli(
        ["setup", "--yes", "--registry", registry.url, "--pub-key", PUBLIC_KEY_PEM, "--pull", HOST_FIXTURE.name],
        context,
      );
      expect(stderr.text()).toBe("");
      expect(code).toBe(ExitCode.ok);
      const text = stdout.text();
      expect(text).toContain(`[=] Installed ${HOST_FIXTURE.name}`);
      expect(text).toContain("[=] Installed the dummy connector");
      expect(text).toContain("[=] Installed the dummy OS");
      expect(text).toMatch(/00002000 {2}68 65 6c 6c 6f 20 66 72 {2}6f 6d 20 73 65 74 75 70 {2}\|hello from setup\|/);

      // What setup installed serves a chain of both: the OS's physical memory is the connector's.
      const chain = testContext({ home, cwd: sandbox });
      const read = await runCli(
        ["read", "-c", "dummy::size=4m", "-o", "dummy::procs=2,seed=7", "0x0", "16"],
        chain.context,
      );
      expect(chain.stderr.text()).toBe("");
      expect(read).toBe(ExitCode.ok);
      expect(chain.stdout.text()).toMatch(/^00000000 {2}00 00 00 00/);
    },
    120_000,
  );
});

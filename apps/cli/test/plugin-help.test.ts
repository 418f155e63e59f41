import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltPlugin } from "@memflow-ts/sdk";
import { type CliContext, ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { buildDummy, buildTargets, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-help-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const plugins = join(sandbox, "plugins");
let dummy: BuiltPlugin;
let targets: BuiltPlugin;
beforeAll(() => {
  mkdirSync(join(sandbox, "cwd"), { recursive: true });
  if (!gcc.available) return;
  dummy = buildDummy(plugins);
  targets = buildTargets(plugins);
});

function setup() {
  return testContext({ home: join(sandbox, "home"), cwd: join(sandbox, "cwd"), env: { MEMFLOW_PLUGIN_PATH: plugins } });
}

const DUMMY_HELP =
  "dummy: zeroed memory for testing\nsize: size of the memory, hex digits with a unit (kb, k, mb, m, gb, g), default 2m\n";

/** `memflow-ts help <args>` through the dispatcher. */
function runHelp(args: string[], context: CliContext): Promise<ExitCode> {
  return runCli(["help", ...args], context);
}

describe.skipIf(!gcc.available)("memflow-ts help <plugin>", () => {
  test("prints the plugin's own help text under its name, version and file", async () => {
    const { context, stdout, stderr } = setup();
    expect(await runHelp(["dummy"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toBe(`connector dummy 0.2.4 (${dummy.path})\n${DUMMY_HELP}`);
    expect(stderr.text()).toBe("");
  });

  test("is reachable as help <plugin> through the command line", async () => {
    const { context, stdout } = setup();
    expect(await runCli(["help", "dummy", "--quiet"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toBe(DUMMY_HELP);
  });

  test("--json gives kind, name, version, path and the text", async () => {
    const { context, stdout } = setup();
    expect(await runHelp(["dummy", "--json"], context)).toBe(ExitCode.ok);
    expect(JSON.parse(stdout.text())).toEqual([
      { kind: "connector", name: "dummy", version: "0.2.4", path: dummy.path, help: DUMMY_HELP.trimEnd() },
    ]);
  });

  test("a plugin without help text is memflow's NotSupported error, exit 1", async () => {
    const { context, stdout, stderr } = setup();
    expect(await runHelp(["targets"], context)).toBe(ExitCode.failed);
    expect(stdout.text()).toBe(`connector targets 1.0.0 (${targets.path})\n`);
    expect(stderr.text()).toStartWith(
      "[X] connector: not supported (Connector `targets` did not return any help text.)\n",
    );
  });

  test("an unknown name lists the connectors and OS plugins there are", async () => {
    const { context, stderr } = setup();
    expect(await runHelp(["qemu"], context)).toBe(ExitCode.usage);
    expect(stderr.text()).toStartWith(
      "[X] no connector or os plugin named qemu\n    connectors: targets, dummy; os plugins: none\n",
    );
  });

  test("help alone is the command list", async () => {
    const { context, stdout } = setup();
    expect(await runCli(["help"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toContain("Usage: memflow-ts <command> [options]");
  });
});

describe.skipIf(!gcc.available)("memflow-ts targets <connector>", () => {
  test("prints the connector's targets one a line", async () => {
    const { context, stdout, stderr } = setup();
    expect(await runCli(["targets", "targets"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toBe("vm-alpha\nvm-beta\n");
    expect(stderr.text()).toBe("");
  });

  test("--json prints them as an array", async () => {
    const { context, stdout } = setup();
    expect(await runCli(["targets", "targets", "--json"], context)).toBe(ExitCode.ok);
    expect(JSON.parse(stdout.text())).toEqual(["vm-alpha", "vm-beta"]);
  });

  test("a connector without targets says so (nothing with --quiet)", async () => {
    const loud = setup();
    expect(await runCli(["targets", "dummy"], loud.context)).toBe(ExitCode.ok);
    expect(loud.stdout.text()).toBe("[-] dummy lists no targets\n");
    const quiet = setup();
    expect(await runCli(["targets", "dummy", "-q"], quiet.context)).toBe(ExitCode.ok);
    expect(quiet.stdout.text()).toBe("");
  });

  test("an unknown connector fails with memflow's error and what to do", async () => {
    const { context, stderr } = setup();
    expect(await runCli(["targets", "qemu"], context)).toBe(ExitCode.failed);
    expect(stderr.text()).toStartWith(
      "[X] inventory: plugin not found (no connector plugin named qemu (available: targets, dummy))\n    Run 'memflow-ts list'",
    );
  });
});

/**
 * A plugin that crashes the process: the real executable must say which plugin crashed, in which
 * call, and that it is the plugin's fault, instead of Bun's "this is a bug in Bun" report; the
 * exit status stays the signal's (139 for SIGSEGV). Also the conformance checks' report. See
 * docs/decisions/0010-plugin-crashes.md for why the report comes from a signal handler.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../src/index.ts";
import { cli } from "./run-cli.ts";
import { runBinary } from "./support/binary.ts";
import { buildCrashy, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-crash-"));
const home = join(sandbox, "home");
const plugins = join(sandbox, "plugins");
let crashy = "";
beforeAll(() => {
  mkdirSync(home, { recursive: true });
  if (gcc.available) crashy = buildCrashy(plugins).path;
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const env = () => ({ HOME: home, MEMFLOW_PLUGIN_PATH: plugins });
const BUN_BLAMED = /bug in Bun|bun\.report|Bun has crashed/;

describe.skipIf(!gcc.available)("a plugin that crashes the process", () => {
  test("read: the plugin, the call and whose fault it is; exit 139 as for SIGSEGV", async () => {
    const run = await runBinary(["read", "-c", "crashy", "0", "16"], env(), sandbox);
    expect(run.signal).toBe("SIGSEGV");
    expect(run.code).toBe(139);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      `[X] the plugin connector crashy 0.1.0 (${crashy}) crashed in its read: SIGSEGV, an invalid memory access\n` +
        "    This is a bug in the plugin, not in memflow-ts or Bun: report it to the plugin's author.\n",
    );
    expect(run.stderr).not.toMatch(BUN_BLAMED);
  }, 60_000);

  test("in create, and by abort(): the call and the signal named", async () => {
    const created = await runBinary(["read", "-c", "crashy::in=create", "0", "16"], env(), sandbox);
    expect(created.signal).toBe("SIGSEGV");
    expect(created.stderr).toContain(`(${crashy}) crashed in its create: SIGSEGV`);
    expect(created.stderr).not.toMatch(BUN_BLAMED);
    const aborted = await runBinary(["read", "-c", "crashy::in=abort", "0", "16"], env(), sandbox);
    expect(aborted.signal).toBe("SIGABRT");
    expect(aborted.code).toBe(134);
    expect(aborted.stderr).toContain(`(${crashy}) crashed in its read: SIGABRT, it aborted`);
  }, 60_000);

  test("help <plugin>: its help call", async () => {
    const run = await runBinary(["help", "crashy"], env(), sandbox);
    expect(run.signal).toBe("SIGSEGV");
    expect(run.stderr).toContain(`(${crashy}) crashed in its help: SIGSEGV`);
  }, 60_000);

  test("a crash on a plugin's own thread is left to Bun's report: no call of the CLI was on it", async () => {
    const run = await runBinary(["read", "-c", "crashy::in=thread", "0", "16"], env(), sandbox);
    expect(run.signal).toBe("SIGSEGV");
    expect(run.stderr).not.toContain("[X] the plugin");
  }, 60_000);

  test("plugin test: the checks that crash say which call crashed, not Bun", async () => {
    const run = await cli(home, ["plugin", "test", crashy, "--cycles", "5"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toContain("crashed in its read: SIGSEGV");
    expect(run.stdout).toContain("crashed in its help: SIGSEGV");
    expect(run.stdout).not.toMatch(BUN_BLAMED);
  }, 60_000);

  test("plugin test: a crash on the plugin's own thread fails its check without Bun's report", async () => {
    const run = await cli(home, ["plugin", "test", crashy, "--args", ":in=thread", "--cycles", "5"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toContain("the plugin crashed: its test process was killed by SIGSEGV during this check");
    expect(run.stdout).not.toMatch(BUN_BLAMED);
  }, 60_000);
});

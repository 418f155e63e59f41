/**
 * `memflow-ts plugin test` on OS plugin files, run as the real executable: the bundled dummy OS
 * passes (exit 0), a broken copy of it fails the check its fault breaks (exit 1, in text and
 * --json), a crash is contained and named, and `--connector` chooses the input connector.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { BUILD_HOOK_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { ExitCode } from "../src/index.ts";
import { runBinary } from "./support/binary.ts";
import { buildDummy, buildTargets, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-plugin-test-os-"));
const home = join(sandbox, "home");
const plugins = join(sandbox, "plugins");
const SDK_NATIVE = join(import.meta.dir, "../../../packages/sdk/native");
const BROKEN = join(import.meta.dir, "../../../packages/sdk/test/support");
let dummyOs = "";
let byName = "";
let crash = "";
let hang = "";
let dummyConnector = "";
beforeAll(() => {
  mkdirSync(home, { recursive: true });
  if (!gcc.available) return;
  const built = join(sandbox, "built");
  dummyOs = buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy-os")], outDir: built }).path;
  const broken = (name: string, file: string) =>
    buildPlugin({ name, sources: [join(BROKEN, file)], outDir: built, flags: [`-I${SDK_NATIVE}`] }).path;
  byName = broken("brokenbyname", "broken-os-by-name.c");
  crash = broken("brokencrash", "broken-os-crash.c");
  hang = broken("brokenhang", "broken-os-hang.c");
  dummyConnector = buildDummy(plugins).path;
  buildTargets(plugins);
}, BUILD_HOOK_TIMEOUT);
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const env = () => ({ HOME: home, MEMFLOW_PLUGIN_PATH: plugins });
const test_ = (args: string[]) => runBinary(["plugin", "test", ...args, "--cycles", "5"], env(), sandbox);

interface JsonReport {
  file: string;
  kind: string;
  name: string;
  connector: string;
  passed: number;
  failed: number;
  checks: { id: string; title: string; ok: boolean; message: string }[];
}

describe.skipIf(!gcc.available)("plugin test on an OS plugin", () => {
  test("the bundled dummy OS passes every OS check: exit 0", async () => {
    const run = await test_([dummyOs, "--args", ":procs=3,seed=7"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain("pass  by name gives the first listed process of that name that is not dead\n");
    expect(run.stdout).toEndWith("\n11 passed, 0 failed\n");
  }, 120_000);

  test("a by-name that returns a dead process: exit 1, the check and the process named", async () => {
    const run = await test_([byName]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toContain(
      "FAIL  by name gives the first listed process of that name that is not dead\n" +
        '      "dummy1": every such process is dead, yet by name gave pid 1 ("dummy1"), not (OsLayer, ProcessNotFound)\n',
    );
    expect(run.stdout).toEndWith("\n10 passed, 1 failed\n");
  }, 120_000);

  test("--json: the shape of the connector report, with the kind, the name and the input connector", async () => {
    const run = await test_([byName, "--json"]);
    expect(run.code).toBe(ExitCode.failed);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report).toMatchObject({ file: byName, kind: "os", name: "brokenbyname", connector: "dummy::size=8m" });
    expect([report.passed, report.failed]).toEqual([10, 1]);
    expect(report.checks.filter((check) => !check.ok).map((check) => check.id)).toEqual(["process-by-name"]);
  }, 120_000);

  test("a crash in the plugin fails its checks, naming the plugin and its call; the CLI carries on", async () => {
    const run = await test_([crash]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toContain("pass  descriptor: MEMFLOW_OS_ export named after the plugin");
    expect(run.stdout).toContain(
      `the plugin os brokencrash 0.0.1 (${crash}) crashed in its process_info_list_callback: SIGSEGV`,
    );
    expect(run.stdout).toEndWith("\n1 passed, 10 failed\n");
  }, 120_000);

  test("--timeout: a check that hangs is killed after that many seconds and fails as hung", async () => {
    const run = await test_([hang, "--timeout", "2"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toMatch(
      /FAIL {2}by name gives the first listed process of that name that is not dead\n {6}the plugin libmemflow_brokenhang_[0-9a-f]{7}\.so hung: this check gave no answer within 2 s, so its test process was killed\n/,
    );
    expect(run.stdout).toEndWith("\n9 passed, 2 failed\n");
    const zero = await test_([hang, "--timeout", "0"]);
    expect(zero.code).toBe(ExitCode.usage);
    expect(zero.stderr).toContain("--timeout must be a positive number of seconds");
  }, 120_000);

  test("--connector picks the input and its arguments", async () => {
    const run = await test_([dummyOs, "--connector", "dummy::size=10m", "--json"]);
    expect(run.code).toBe(ExitCode.ok);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.connector).toBe("dummy::size=10m");
    expect(report.checks.find((check) => check.id === "os-create")?.message).toBe(
      "over dummy::size=10m: no arguments: 1 processes",
    );
  }, 120_000);

  test("--connector finds an installed connector: a 4 KiB one cannot hold the dummy OS, so create fails", async () => {
    const run = await test_([dummyOs, "--connector", "targets", "--json"]);
    expect(run.code).toBe(ExitCode.failed);
    const report = JSON.parse(run.stdout) as JsonReport;
    // Every check starts the OS over it; the dummy OS's own error says the memory is too small.
    expect(report.checks.filter((check) => !check.ok).map((check) => check.id)).not.toContain("os-descriptor");
    expect(report.checks.find((check) => check.id === "os-create")?.message).toStartWith(
      "threw MemflowError: args validator: the argument could not be validated (os dummy (",
    );
  }, 120_000);

  test("--connector naming no installed connector, or given for a connector, is a usage error", async () => {
    const unknown = await test_([dummyOs, "--connector", "qemu"]);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("--connector qemu: no connector named qemu is installed");
    expect(unknown.stderr).toContain("installed connectors: dummy, targets (and the bundled dummy)");
    const onConnector = await test_([dummyConnector, "--connector", "dummy"]);
    expect(onConnector.code).toBe(ExitCode.usage);
    expect(onConnector.stderr).toContain("--connector applies to OS plugins: dummy is a connector");
  }, 120_000);
});

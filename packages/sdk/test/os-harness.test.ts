/**
 * The conformance checks for OS plugins (src/testing/os-*.ts), run as `checkOsPluginFile` runs
 * them, each check in a child process over the bundled dummy connector: the SDK's dummy OS and
 * core's testos pass, and deliberately broken copies of the dummy OS (support/broken-os-*.c) fail
 * the check their fault breaks, by name, including a crash and a hang contained in the child.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import {
  buildPlugin,
  bundledPluginDirectory,
  bundledPluginPath,
  type CheckOsPluginOptions,
  type CheckReport,
  checkOsPluginFile,
} from "../src/index.ts";

const gcc = requireTool("gcc", "gcc");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-os-harness-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NATIVE = join(import.meta.dir, "..", "native");
const TESTOS_SOURCE = join(import.meta.dir, "../../core/test/support/plugins/test-os.c");

/** The checks over the bundled dummy connector, built into this file's temporary cache. */
function check(path: string, options: CheckOsPluginOptions = {}): Promise<CheckReport[]> {
  const connectorDirectories = [bundledPluginDirectory("dummy", join(root, "cache"))];
  return checkOsPluginFile(path, { cycles: 10, connectorDirectories, ...options });
}

/** A broken copy of the dummy OS from support/broken-os-<fault>.c. */
function brokenPlugin(fault: string): string {
  return buildPlugin({
    name: `broken${fault.replaceAll("-", "")}`,
    sources: [join(import.meta.dir, "support", `broken-os-${fault}.c`)],
    outDir: join(root, "broken"),
    flags: [`-I${NATIVE}`],
  }).path;
}

const failedIds = (reports: readonly CheckReport[]) =>
  reports.filter((report) => !report.ok).map((report) => report.id);
const messageOf = (reports: readonly CheckReport[], id: string) =>
  reports.find((report) => report.id === id)?.message ?? "";

describe.skipIf(!gcc.available)("OS plugins that keep memflow's rules pass", () => {
  test("the bundled dummy OS passes every OS check, with its defaults and with several processes", async () => {
    const path = bundledPluginPath("dummy-os", join(root, "cache"));
    for (const sampleArgs of [[], [":procs=4,seed=7"]]) {
      const reports = await check(path, { sampleArgs });
      expect(reports.map((report) => report.id)).toEqual([
        "os-descriptor",
        "os-create",
        "process-lookup",
        "process-by-name",
        "process-not-found",
        "module-base",
        "exports",
        "translate",
        "partial-read",
        "close-order",
        "os-leaks",
      ]);
      expect(failedIds(reports)).toEqual([]);
    }
    // The checks looked at something: each process has 2 to 4 modules and the kernel 2 (dummy-os.md).
    const reports = await check(path, { sampleArgs: [":procs=4,seed=7"] });
    const compared = Number(/^(\d+) pages compared$/.exec(messageOf(reports, "translate"))?.[1]);
    expect(compared >= 4 * 2 + 2 && compared <= 4 * 4 + 2).toBe(true);
    expect(messageOf(reports, "partial-read")).toBe("4 processes");
  }, 120_000);

  test("core's testos passes, but for module-base: its libraries' bases are not mapped (test-os.md)", async () => {
    const path = buildPlugin({
      name: "testos",
      sources: [TESTOS_SOURCE],
      outDir: join(root, "testos"),
      flags: ["-pthread"],
    }).path;
    for (const sampleArgs of [[], [":processes=3"]]) {
      const reports = await check(path, { sampleArgs });
      expect(failedIds(reports)).toEqual(["module-base"]);
      // testos maps 400000-410000 of each process (its executable) and the kernel's first 64 KiB only.
      expect(messageOf(reports, "module-base")).toContain(
        'pid 1 ("init"): "libc.so.6" at 0x7f0000000000 is not mapped',
      );
      // Its dead "shell" (pid 20) is listed before the live one (pid 36): by name skipped it.
      expect(messageOf(reports, "process-by-name")).toContain("1 dead");
      expect(messageOf(reports, "translate")).toBe("6 pages compared");
      const skipped = await check(path, { sampleArgs, skip: ["module-base"] });
      expect(failedIds(skipped)).toEqual([]);
    }
  }, 120_000);

  test("testosmin, without any optional part, passes the checks that need none of them", async () => {
    const path = buildPlugin({
      name: "testosmin",
      sources: [TESTOS_SOURCE],
      outDir: join(root, "testosmin"),
      flags: ["-pthread", "-DTESTOS_MINIMAL"],
    }).path;
    const reports = await check(path, { skip: ["module-base"] });
    expect(failedIds(reports)).toEqual([]);
    expect(messageOf(reports, "translate")).toBe("no physical memory offered");
    expect(messageOf(reports, "partial-read")).toBe("5 processes");
  }, 120_000);
});

describe.skipIf(!gcc.available)("OS plugins that break a rule fail the check for it", () => {
  // Each fault, the one check it must fail, and that check's whole message for `:procs=2`.
  test.each([
    [
      "export",
      "exports",
      'the kernel: export "beyond_the_end" of "dummy-kernel" at offset 0xa000 is past its size 0xa000; ' +
        'the kernel: export "beyond_the_end" of "dummy-driver" at offset 0xd000 is past its size 0xd000',
    ],
    [
      "by-name",
      "process-by-name",
      '"dummy1": every such process is dead, yet by name gave pid 1 ("dummy1"), not (OsLayer, ProcessNotFound)',
    ],
  ])(
    "broken-os-%s.c fails only %s, saying what is wrong",
    async (fault, id, message) => {
      const reports = await check(brokenPlugin(fault), { sampleArgs: [":procs=2"] });
      expect(failedIds(reports)).toEqual([id]);
      expect(messageOf(reports, id)).toBe(message);
    },
    120_000,
  );

  test("a crash in process_info_list fails each check that lists processes, naming the plugin and its call", async () => {
    const reports = await check(brokenPlugin("crash"));
    expect(failedIds(reports)).toEqual(reports.filter((report) => report.id !== "os-descriptor").map((r) => r.id));
    for (const report of reports.filter((candidate) => !candidate.ok)) {
      expect(report.message).toContain("the plugin crashed: its test process was killed by SIGSEGV during this check");
      expect(report.message).toContain("brokencrash 0.0.1");
      expect(report.message).toContain("crashed in its process_info_list_callback: SIGSEGV");
    }
  }, 120_000);

  test("a by-name that never returns is killed, failing the checks that call it, naming the plugin", async () => {
    const reports = await check(brokenPlugin("hang"), { timeout: 5_000 });
    expect(failedIds(reports)).toEqual(["process-by-name", "process-not-found"]);
    expect(messageOf(reports, "process-by-name")).toMatch(
      /^the plugin libmemflow_brokenhang_[0-9a-f]{7}\.so hung: this check gave no answer within 5 s, so its test process was killed$/,
    );
  }, 120_000);
});

describe.skipIf(!gcc.available)("describeOsPlugin", () => {
  test("gives one bun:test case per check: the dummy OS's all pass, a broken plugin's fault fails by title", async () => {
    const connectorDirectories = [bundledPluginDirectory("dummy", join(root, "cache"))];
    const plugins = [bundledPluginPath("dummy-os", join(root, "cache")), brokenPlugin("export")];
    const suite = join(root, "os-plugins.test.ts");
    await Bun.write(
      suite,
      `import { describeOsPlugin } from ${JSON.stringify(join(import.meta.dir, "..", "src", "testing", "index.ts"))};\n` +
        plugins
          .map(
            (path) =>
              `describeOsPlugin({ path: ${JSON.stringify(path)} }, { cycles: 5, connectorDirectories: ${JSON.stringify(connectorDirectories)} });\n`,
          )
          .join(""),
    );
    const child = Bun.spawn([process.execPath, "test", suite], { cwd: root, stdout: "pipe", stderr: "pipe" });
    const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(exitCode).toBe(1);
    // bun lists a failed test where it ran and again in its summary: each title once.
    const failed = new Set(
      [...stderr.matchAll(/^\(fail\) memflow OS plugin ([^ ]+) > (.+?)(?: \[|$)/gm)].map(
        (match) => `${match[1]?.replace(/_[0-9a-f]{7}\.so$/, "")} > ${match[2]}`,
      ),
    );
    expect([...failed]).toEqual(["libmemflow_brokenexport > exports lie inside their module"]);
    expect(stderr).toMatch(/\n 21 pass\n 1 fail\n/);
  }, 120_000);
});

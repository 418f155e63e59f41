/**
 * The demo's look inside the dummy OS (`-c dummy::size=4m -o dummy::procs=2,seed=7`), pinned to
 * the contract (packages/sdk/native/dummy-os.md): the process table, the module names, the bytes
 * of the main module as `dummyOsBytes` generates them, and the translation agreeing with a
 * physical read. Then the same without a usable C compiler (the TypeScript twins, byte for byte),
 * and the closing hint's commands, run after installing the plugins as `memflow-ts setup` does.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import {
  buildPlugin,
  bundledPluginBuild,
  bundledPluginCache,
  bundledPluginDirectory,
  dummyOsBytes,
} from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { NEXT_COMMANDS } from "../src/commands/demo.ts";
import { DEMO_OS_CHAIN, DEMO_OS_READ } from "../src/demo/os-tour.ts";
import { ExitCode, runCli } from "../src/index.ts";
import { hexdump } from "../src/inventory/hexdump.ts";
import { formatAddress } from "../src/inventory/numbers.ts";
import { testContext } from "./capture.ts";
import { runBinary } from "./support/binary.ts";

const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-demo-os-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** A compiler that fails every build (the SDK takes $CC first); a script, as `false` may be a shell builtin only. */
const FAILING_COMPILER = join(sandbox, "failing-cc");
writeFileSync(FAILING_COMPILER, "#!/bin/sh\necho 'failing-cc: refuses' >&2\nexit 1\n");
chmodSync(FAILING_COMPILER, 0o755);

const PROCESS_LINES = [
  /^1 +dummy1 +x86_64 +Alive +\/usr\/bin\/dummy1 +\/usr\/bin\/dummy1 --seed 7$/m,
  /^2 +dummy2 +x86_64 +Alive +\/usr\/bin\/dummy2 +\/usr\/bin\/dummy2 --seed 7$/m,
];
/** Modules 1 to 3 of a process, in order (dummy-os.md, Modules); module 0 is the process's own name. */
const LIBRARIES = ["libc.so.6", "libm.so.6", "libdummy.so"];

/** Where pid 1's main module starts and what maps it, asked of the native dummy OS directly. */
function mainModuleOfPid1(cache: string): { base: bigint; physical: bigint } {
  using inventory = Inventory.scanPath(bundledPluginDirectory("dummy", cache)).addDir(
    bundledPluginDirectory("dummy-os", cache),
  );
  const connector = inventory.instantiateConnector("dummy", undefined, `:size=${DEMO_OS_CHAIN.size}`);
  using os = inventory.instantiateOs("dummy", connector, `:procs=${DEMO_OS_CHAIN.procs},seed=${DEMO_OS_CHAIN.seed}`);
  using process = os.processByPid(1);
  const base = process.primaryModule().base;
  return { base, physical: process.virtToPhys(base).address };
}

/** What every run of the demo's OS part shows, whichever plugins it used. */
function expectTheContract(text: string, base: bigint, physical: bigint): void {
  expect(text).toContain("[=] 2 processes:");
  for (const line of PROCESS_LINES) expect(text).toMatch(line);

  const opened = text.match(/^\[=\] Opened pid 1 \(dummy1\): (\d) modules$/m);
  const count = Number(opened?.[1]);
  expect(count).toBeGreaterThanOrEqual(2);
  expect(count).toBeLessThanOrEqual(4);
  const names = [...text.matchAll(/^(\S+) +0x[0-9a-f]+ +0x[0-9a-f]+ +x86_64 +(\S+)$/gm)].map((match) => match[1]);
  expect(names).toEqual(["dummy1", ...LIBRARIES.slice(0, count - 1)]);
  expect(text).toMatch(new RegExp(`^dummy1 +${formatAddress(base)} +0x[0-9a-f]+ +x86_64 +/usr/bin/dummy1$`, "m"));

  const expected = dummyOsBytes(DEMO_OS_CHAIN.seed, 1, base, DEMO_OS_READ);
  expect(text).toContain(`[=] Read ${DEMO_OS_READ} bytes at the start of dummy1 through virtual memory:\n`);
  expect(text).toContain(hexdump(expected, base));
  expect(text).toContain(`[=] virtToPhys(${formatAddress(base)}) = ${formatAddress(physical)}, in a 4 KiB page\n`);
  expect(text).toContain(
    `[=] Read ${DEMO_OS_READ} bytes at ${formatAddress(physical)} physically: identical, the layers agree\n`,
  );
  expect(text).toContain(hexdump(expected, physical));
}

describe.skipIf(!gcc.available)("memflow-ts demo: the dummy OS", () => {
  const home = join(sandbox, "home");
  mkdirSync(home, { recursive: true });
  const cache = bundledPluginCache({}, home);

  test("shows the contract's processes, modules and bytes, and the translation agreeing with physical memory", async () => {
    const { context, stdout } = testContext({ home, cwd: home });
    expect(await runCli(["demo"], context)).toBe(ExitCode.ok);
    const text = stdout.text();
    expect(text).toContain(
      "[=] Opened the dummy OS with procs=2,seed=7 over a dummy connector with size=4m: the SDK's C dummy OS",
    );
    const { base, physical } = mainModuleOfPid1(cache);
    expectTheContract(text, base, physical);
    expect(text).toMatch(/^dummy +os +0\.2\.4 +1 +\S+libmemflow_dummy_[0-9a-f]{7}\.so$/m);
    for (const command of NEXT_COMMANDS) expect(text).toContain(`\n  ${command}\n`);
  }, 60_000);

  test.each([
    ["no C compiler on PATH", { PATH: "" }, "no C compiler found ($CC, cc, gcc or clang)"],
    [
      "a C compiler that fails",
      { PATH: process.env.PATH ?? "", CC: FAILING_COMPILER },
      "compiling failed (exit code 1)",
    ],
  ])(
    "with %s, the TypeScript dummy OS shows the same processes and bytes",
    async (_, env, reason) => {
      // The compiler is looked up in the process's own environment: a child process with its own.
      const childHome = mkdtempSync(join(sandbox, "no-cc-"));
      const { code, stdout: text, stderr: errors } = await runBinary(["demo"], { HOME: childHome, ...env }, childHome);
      expect(errors).toBe("");
      expect(code).toBe(ExitCode.ok);
      // The reason in a few words, on the line it belongs to; the compiler's output is not shown.
      expect(text).toContain(`[=] Opened "dummy" with size=1m: the TypeScript dummy connector (${reason})\n`);
      expect(text).toContain(
        `[=] Opened the dummy OS with procs=2,seed=7 over a dummy connector with size=4m: the TypeScript dummy OS over the TypeScript dummy connector (${reason})\n`,
      );
      // The same layout as the native OS's (dummy-os.md: same size, procs and seed, same bytes).
      const { base, physical } = mainModuleOfPid1(cache);
      expectTheContract(text, base, physical);
      expect(text).toMatch(/^dummy_ts +os +\S+ +\S+ +TypeScript$/m);
    },
    60_000,
  );

  test("the closing hint's commands work once the dummy connector and OS are installed as setup installs them", async () => {
    const plugins = join(sandbox, "plugins");
    mkdirSync(plugins, { recursive: true });
    buildPlugin(bundledPluginBuild("dummy", plugins));
    buildPlugin(bundledPluginBuild("dummy-os", plugins));
    for (const command of NEXT_COMMANDS) {
      const { context, stdout, stderr } = testContext({ home, cwd: home, env: { MEMFLOW_PLUGIN_PATH: plugins } });
      const args = command.split(" ").slice(1);
      expect({ command, code: await runCli(args, context), stderr: stderr.text() }).toEqual({
        command,
        code: ExitCode.ok,
        stderr: "",
      });
      expect(stdout.text()).not.toBe("");
    }
  }, 60_000);
});

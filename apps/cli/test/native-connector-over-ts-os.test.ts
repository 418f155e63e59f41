/**
 * A native connector over a TypeScript OS from the command line: `read -c dummy -o dummy_ts -c
 * testmem::proc=<name> <address> <length>` reads physical memory that core's test connector serves
 * from a process of dummy_ts (the qemu pattern), the same bytes `read -p <pid>` shows of that
 * process through dummy_ts itself.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildTestPlugin } from "../../../packages/core/test/support/build-plugins.ts";
import { ExitCode } from "../src/index.ts";
import { buildDummyWithOs } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { gcc } from "./support/plugins.ts";

const { run } = osSandbox("memflow-ts-over-ts-os-", (plugins) => {
  buildDummyWithOs(plugins);
  buildTestPlugin(plugins, "test-connector.c", "libmemflow_testmem.so");
  writeFileSync(join(plugins, "dummy-ts.memflow.ts"), 'export { dummyOsTs } from "@memflow-ts/sdk";\n');
});

const chain = ["-c", "dummy::size=4m", "-o", "dummy_ts::procs=3,seed=7"];

describe.skipIf(!gcc.available)("-c dummy -o dummy_ts -c testmem::proc=<name>", () => {
  test("reads the process's memory as physical memory: what read -p shows of the process", async () => {
    const listed = await run(["modules", ...chain, "2", "--json"]);
    expect(listed.code).toBe(ExitCode.ok);
    const [primary] = JSON.parse(listed.stdout) as { name: string; base: string }[];
    if (primary === undefined) throw new Error("dummy_ts listed no modules for pid 2");
    const overConnector = await run(["read", ...chain, "-c", `testmem::proc=${primary.name}`, primary.base, "64"]);
    const ofProcess = await run(["read", ...chain, "-p", "2", primary.base, "64"]);
    expect(ofProcess.code).toBe(ExitCode.ok);
    expect(ofProcess.stdout.split("\n").filter(Boolean)).toHaveLength(4);
    expect(overConnector).toEqual(ofProcess);
  });

  test("a process dummy_ts does not have: memflow's error, and no stack trace", async () => {
    const result = await run(["read", ...chain, "-c", "testmem::proc=nosuch", "0", "16"]);
    expect(result.code).not.toBe(ExitCode.ok);
    expect(result.stderr).toContain("oslayer: process not found (connector testmem");
    expect(result.stderr).not.toContain("    at ");
  });
});

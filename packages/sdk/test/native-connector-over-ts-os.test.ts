/**
 * A native connector over the SDK's TypeScript dummy OS (`-c dummy -o dummy_ts -c testmem::proc=
 * <name>`, the qemu pattern with core's C test connector): it serves a process's virtual memory
 * as its physical memory, the bytes dummy_ts's process reads itself and the bytes the same
 * connector reads over the native dummy OS (the all-native chain).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Connector, Inventory, type Os } from "@memflow-ts/core";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { buildPlugin, bundledPluginDirectory, dummyOsTs } from "../src/index.ts";
import { errorOf, hex } from "./support/test-values.ts";

const TEST_CONNECTOR = join(import.meta.dir, "../../core/test/support/plugins/test-connector.c");
const gcc = requireTool("gcc", "gcc");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-over-ts-os-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The bundled dummy connector and OS, dummy_ts, and core's testmem, in an Inventory of this file's own. */
const inventory = Inventory.empty().register(dummyOsTs);
beforeAll(() => {
  if (!gcc.available) return;
  buildPlugin({ name: "testmem", sources: [TEST_CONNECTOR], outDir: join(root, "testmem"), flags: ["-pthread"] });
  for (const directory of [bundledPluginDirectory("dummy", root), bundledPluginDirectory("dummy-os", root)])
    inventory.addDir(directory);
  inventory.addDir(join(root, "testmem"));
}, BUILD_HOOK_TIMEOUT);

const OS_ARGS = ":procs=3,seed=7";

/** `-c dummy::size=4m -o <os>::procs=3,seed=7`, then `-c testmem::proc=<name>` when given. */
function chain(os: "dummy" | "dummy_ts"): Os;
function chain(os: "dummy" | "dummy_ts", proc: string): Connector;
function chain(os: "dummy" | "dummy_ts", proc?: string): Os | Connector {
  const builder = inventory.builder().connector("dummy").args(":size=4m").os(os).args(OS_ARGS);
  return proc === undefined ? builder.build() : builder.connector("testmem").args(`:proc=${proc}`).build();
}

describe.skipIf(!gcc.available)("testmem::proc=<name> over dummy_ts", () => {
  test("reads each module of a process as the process itself and the all-native chain do", () => {
    using os = chain("dummy_ts");
    for (const info of os.processInfoList()) {
      using process = os.processByInfo(info);
      using overScript = chain("dummy_ts", info.name);
      using overNative = chain("dummy", info.name);
      const modules = process.moduleList();
      expect(modules.length).toBeGreaterThan(1);
      for (const module of modules) {
        const requests = [{ address: module.base, length: Number(module.size) }];
        const [own] = process.readMany(requests);
        const [mine] = overScript.readMany(requests);
        const [native] = overNative.readMany(requests);
        expect(own?.done).toBeGreaterThan(0);
        const seen = (result: typeof own) => ({ done: result?.done, data: hex(result?.data ?? new Uint8Array()) });
        expect(seen(mine)).toEqual(seen(own));
        expect(seen(native)).toEqual(seen(own));
      }
    }
  });

  test("a process dummy_ts does not have is memflow's (OsLayer, ProcessNotFound), as over the native OS", () => {
    expect(errorOf(() => chain("dummy_ts", "nosuch")).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => chain("dummy", "nosuch")).is("OsLayer", "ProcessNotFound")).toBe(true);
  });
});

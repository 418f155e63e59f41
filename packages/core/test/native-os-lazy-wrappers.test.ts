/**
 * A native OS loads the wrappers of what it opens (process, keyboard, kernel view, translator,
 * module calls) when one is first opened: `ps` creates an OS and lists its processes, and loading
 * them up front cost its start-up (decision 0007, "the OS path"). In a fresh process, since the
 * test runner has loaded every module already.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BUILD_HOOK_TIMEOUT, PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

const directory = pluginDirectory("memflow-ts-lazy-wrappers-");
afterAll(() => rmSync(directory, { recursive: true, force: true }));
beforeAll(() => {
  buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  buildTestPlugin(directory, "test-os.c", "libmemflow_testos.so");
}, BUILD_HOOK_TIMEOUT);

const WRAPPERS = [
  "native-process",
  "native-keyboard",
  "native-memory-view",
  "native-virtual-translate",
  "native-modules",
];

test(
  "listing processes loads no wrapper; opening a process loads the process's, its module calls and its translator; the keyboard its own",
  () => {
    const script = `
      import { Inventory } from "./src/inventory.ts";
      const wrappers = ${JSON.stringify(WRAPPERS)};
      const loaded = () => wrappers.filter((name) => Object.keys(require.cache).some((path) => path.endsWith("/core/src/ffi/" + name + ".ts")));
      const inventory = Inventory.scanPath(${JSON.stringify(directory)}, { warn: () => {} });
      using os = inventory.builder().connector("testmem").args(":size=300000").os("testos").build();
      const listed = os.processInfoList().length;
      const afterList = loaded();
      {
        using process = os.processByName("shell");
        process.info();
      }
      const afterProcess = loaded();
      os.keyboard()?.close();
      console.log(JSON.stringify({ listed: listed > 0, afterList, afterProcess, afterKeyboard: loaded() }));
    `;
    const run = Bun.spawnSync(["bun", "-e", script], {
      cwd: join(import.meta.dir, ".."),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(run.stderr.toString()).toBe("");
    expect(JSON.parse(run.stdout.toString())).toEqual({
      listed: true,
      afterList: [],
      afterProcess: ["native-process", "native-memory-view", "native-virtual-translate", "native-modules"],
      afterKeyboard: WRAPPERS,
    });
  },
  PROCESS_TEST_TIMEOUT,
);

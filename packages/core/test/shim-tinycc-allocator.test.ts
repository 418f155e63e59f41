/**
 * Under Bun's TinyCC, `malloc` and `free` in the shim's source are Bun's own allocator, not the C
 * library's that plugins allocate with: a shim freeing a plugin's strings with it corrupts the heap
 * (shim.c, "the allocator shared with plugins"). The corruption shows after a while, so this runs
 * many lists and many process_by_info (whose strings go the other way) in a TinyCC-shim process.
 */
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

test("with the TinyCC-built shim, plugin strings are freed and allocated by the C library's allocator", () => {
  const directory = pluginDirectory("memflow-ts-tinycc-allocator-");
  try {
    buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
    buildTestPlugin(directory, "test-os.c", "libmemflow_testos.so");
    const script = `
      import { Inventory } from "./src/index.ts";
      import { hostFor } from "./src/plugin-files.ts";
      import { nativeShimKind } from "./src/ffi/shim.ts";
      const inventory = Inventory.scanPath(${JSON.stringify(directory)}, { host: hostFor("linux", process.arch) });
      using os = inventory.builder().connector("testmem").args(":size=300000").os("testos").args(":processes=1000").build();
      let listed = 0;
      for (let round = 0; round < 1500; round += 1) listed += os.processInfoList().length;
      const info = os.processInfoByPid(36);
      for (let round = 0; round < 20000; round += 1) os.processByInfo(info).close();
      console.log(nativeShimKind(), listed);
    `;
    const run = Bun.spawnSync([process.execPath, "-e", script], {
      cwd: join(import.meta.dir, ".."),
      env: { ...process.env, MEMFLOW_TS_SHIM: "tinycc" },
    });
    expect({ output: run.stdout.toString().trim(), errors: run.stderr.toString(), exitCode: run.exitCode }).toEqual({
      output: `tinycc ${1500 * 1005}`,
      errors: "",
      exitCode: 0,
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 120_000);

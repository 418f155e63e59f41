/**
 * The shim builds with TinyCC when no C compiler is there, or when what the system compiler built
 * cannot be loaded. These run in child processes (the shim is built once per process).
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("every native-host test passes with the TinyCC-built shim too", async () => {
  const child = Bun.spawn([process.execPath, "test", join(import.meta.dir, "native-host.test.ts")], {
    env: { ...process.env, MEMFLOW_TS_SHIM: "tinycc" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [output, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(output).toMatch(/\n 1\d pass\n 0 fail\n/);
  expect(exitCode).toBe(0);
}, 60_000);

test("a shim the system compiler builds but this process cannot load gives way to TinyCC's", () => {
  // $CC names a "cross compiler" whose output is no library for this machine.
  const root = mkdtempSync(join(tmpdir(), "memflow-ts-shim-cc-"));
  try {
    const compiler = join(root, "cross-cc");
    writeFileSync(
      compiler,
      '#!/bin/sh\nwhile [ "$#" -gt 0 ]; do [ "$1" = -o ] && { printf "not an ELF" > "$2"; exit 0; }; shift; done\n',
      { mode: 0o755 },
    );
    const script = `
      import { nativeShim, nativeShimKind } from "./src/ffi/shim.ts";
      nativeShim();
      console.log(nativeShimKind());
    `;
    const result = Bun.spawnSync([process.execPath, "-e", script], {
      cwd: join(import.meta.dir, ".."),
      env: { ...process.env, CC: compiler, XDG_CACHE_HOME: join(root, "cache"), MEMFLOW_TS_SHIM: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect({ stdout: result.stdout.toString(), stderr: result.stderr.toString() }).toEqual({
      stdout: "tinycc\n",
      stderr: "",
    });
    // The unloadable build was removed, not kept to fail again.
    expect(readdirSync(join(root, "cache", "memflow-ts")).filter((name) => name.startsWith("shim-"))).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the OS layer gives identical results with the TinyCC-built shim: lists, lookups, reads across the hole, translation, errors", () => {
  const run = (shim: string) => {
    const child = Bun.spawnSync([process.execPath, join(import.meta.dir, "support", "os-slice.ts")], {
      env: { ...process.env, MEMFLOW_TS_SHIM: shim },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect({ shim, stderr: child.stderr.toString(), exitCode: child.exitCode }).toEqual({
      shim,
      stderr: "",
      exitCode: 0,
    });
    return JSON.parse(child.stdout.toString()) as { shim: string; slice: Record<string, unknown> };
  };
  const system = run("system");
  const tinycc = run("tinycc");
  expect([system.shim, tinycc.shim]).toEqual(["system", "tinycc"]);
  expect(tinycc.slice).toEqual(system.slice);
  // What both gave is test-os.md's, not merely the same.
  expect(system.slice).toMatchObject({
    missingProcess: { error: "OsLayer/ProcessNotFound" },
    missingModule: { error: "OsLayer/ModuleNotFound" },
    missingExport: { error: "OsLayer/ExportNotFound" },
    unmapped: { error: "VirtualTranslate/OutOfBounds" },
    partialRead: { error: "VirtualMemory/PartialData" },
    translation: { address: "0x130123n", pageType: 4, pageSize: "0x1000n" },
    physToVirt: "0x406000n",
    writes: [{ done: 2, failed: 2, ok: false }],
    byInfo: { pid: 36, name: "shell", commandLine: "/bin/sh -l" },
    badInfo: { error: "OsLayer/InvalidProcessInfo" },
    counters: { liveOs: 0, liveProcesses: 0 },
  });
  const names = (system.slice.processInfoList as { name: string }[]).map((info) => info.name);
  expect(names).toEqual(["init", "shell", "shell", "legacy32", "dæmon", "proc0", "proc1", "proc2"]);
  const reads = system.slice.reads as { done: number; failed: number }[];
  expect(reads.map(({ done, failed }) => [done, failed])).toEqual([
    [16, 16],
    [0, 8],
    [4, 4],
  ]);
}, 60_000);

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

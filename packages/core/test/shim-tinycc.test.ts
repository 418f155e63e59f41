/**
 * The shim builds with TinyCC when no C compiler is there. This runs the native-host tests in
 * a child process forced onto TinyCC (the shim is built once per process).
 */
import { expect, test } from "bun:test";
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

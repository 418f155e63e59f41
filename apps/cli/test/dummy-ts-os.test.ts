/**
 * The SDK's dummy OS written in TypeScript (`dummy_ts`), installed as a user would: one line in a
 * `*.memflow.ts` file of a plugin folder beside the native dummy connector and OS. From the
 * command line it answers what the native dummy OS answers for the same arguments.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../src/index.ts";
import { buildDummyWithOs } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { gcc } from "./support/plugins.ts";

const { run } = osSandbox("memflow-ts-dummy-ts-", (plugins) => {
  buildDummyWithOs(plugins);
  writeFileSync(join(plugins, "dummy-ts.memflow.ts"), 'export { dummyOsTs } from "@memflow-ts/sdk";\n');
});

const chain = (os: string) => ["-c", "dummy::size=4m", "-o", `${os}::procs=3,seed=7`];

describe.skipIf(!gcc.available)("-o dummy_ts from a plugin file", () => {
  test("lists the native dummy OS's processes and modules", async () => {
    for (const command of [["ps"], ["modules", "2", "--json"]]) {
      const native = await run([...command, ...chain("dummy")]);
      expect(native.code).toBe(ExitCode.ok);
      expect(await run([...command, ...chain("dummy_ts")])).toEqual(native);
    }
  });

  test("reads a process's bytes as the native dummy OS does, across a module's pages", async () => {
    const listed = await run(["modules", ...chain("dummy"), "1", "--json"]);
    const modules = JSON.parse(listed.stdout) as { base: string; size: string }[];
    for (const { base, size } of modules) {
      const args = ["-p", "1", base, String(Number(size))];
      const native = await run(["read", ...chain("dummy"), ...args]);
      // Each module has one unmapped page: both name it on stderr the same way (naming their OS).
      expect(native.stderr).toContain("4096 of");
      const script = await run(["read", ...chain("dummy_ts"), ...args]);
      expect({ ...script, stderr: script.stderr.replace("os dummy_ts", "os dummy") }).toEqual(native);
    }
  });
});

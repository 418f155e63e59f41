/**
 * A plugin that segfaults in `read` fails the harness checks that read, each with a message
 * naming the crash, while the other checks and the test runner carry on.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin } from "../src/index.ts";

const directory = mkdtempSync(join(tmpdir(), "memflow-ts-crash-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test("a crashing plugin fails only the checks that crash it, with the signal in the message", async () => {
  const plugin = buildPlugin({
    name: "crashing",
    sources: [join(import.meta.dir, "support", "crashing.c")],
    outDir: directory,
  });
  const suite = join(directory, "crashing.test.ts");
  writeFileSync(
    suite,
    `import { describePlugin } from ${JSON.stringify(join(import.meta.dir, "..", "src", "testing", "index.ts"))};\n` +
      `describePlugin({ path: ${JSON.stringify(plugin.path)} }, { cycles: 50 });\n`,
  );
  const child = Bun.spawn([process.execPath, "test", suite], { cwd: directory, stdout: "pipe", stderr: "pipe" });
  const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(exitCode).toBe(1);
  expect(stderr).toContain("the plugin crashed: its test process was killed by SIGSEGV during this check");
  // Core names the plugin and its call; Bun's own crash report ("a bug in Bun") is not repeated.
  expect(stderr).toContain("crashed in its read: SIGSEGV");
  expect(stderr).not.toContain("bun.report");
  const failed = [...stderr.matchAll(/^\(fail\) memflow plugin [^>]+> (.+?)(?: \[|$)/gm)].map((match) => match[1]);
  expect(failed.sort()).toEqual([
    "a batch of reads equals the same reads one by one",
    "clone: a working copy, with its sharing reported",
    "reads and writes: round trips at page boundaries, odd sizes and the last byte",
    "reads past the end are reported as failed parts, not errors",
  ]);
  expect(stderr).toMatch(/\n 6 pass\n 4 fail\n/);
}, 120_000);

/**
 * A project from createPluginProject builds with its own script and passes its own harness
 * tests, as generated.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildError, createPluginProject } from "../src/index.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-scaffold-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(command: string[], cwd: string) {
  const child = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, exitCode };
}

test("a scaffolded C plugin project builds and passes its own tests", async () => {
  const dir = join(root, "memflow-mydevice");
  const files = createPluginProject({ name: "mydevice", dir });
  expect(files.map((file) => file.slice(dir.length + 1)).sort()).toEqual([
    ".gitignore",
    "README.md",
    "package.json",
    "scripts/build.ts",
    "src/mydevice.c",
    "test/mydevice.test.ts",
  ]);
  // As `bun install` would with the published SDK: node_modules/@memflow-ts/sdk.
  mkdirSync(join(dir, "node_modules", "@memflow-ts"), { recursive: true });
  symlinkSync(join(import.meta.dir, ".."), join(dir, "node_modules", "@memflow-ts", "sdk"));

  const build = await run([process.execPath, "run", "build"], dir);
  expect(build.stderr).not.toContain("error");
  expect(build.exitCode).toBe(0);
  const built = readdirSync(join(dir, "dist")).sort();
  expect(built).toHaveLength(2);
  expect(built[0]).toMatch(/^libmemflow_mydevice_[0-9a-f]{7}\.meta$/);
  expect(built[1]).toMatch(/^libmemflow_mydevice_[0-9a-f]{7}\.so$/);

  const tests = await run([process.execPath, "test"], dir);
  expect(tests.stderr).toMatch(/\n 10 pass\n 0 fail\n/);
  expect(tests.exitCode).toBe(0);
}, 120_000);

test("refuses a bad name and a folder that is not empty", () => {
  expect(() => createPluginProject({ name: "My-Device", dir: join(root, "bad") })).toThrow(BuildError);
  const taken = join(root, "taken");
  createPluginProject({ name: "taken", dir: taken });
  expect(() => createPluginProject({ name: "taken", dir: taken })).toThrow(/already exists/);
});

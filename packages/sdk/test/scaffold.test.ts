/**
 * A project from createPluginProject builds with its own script and passes its own tests, as
 * generated: a C connector, a C OS plugin and a TypeScript connector.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildError, createPluginProject, type PluginProjectOptions } from "../src/index.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-scaffold-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** As `bun install` would with the published packages: node_modules/@memflow-ts/{sdk,core}. */
function linkWorkspacePackages(dir: string): void {
  mkdirSync(join(dir, "node_modules", "@memflow-ts"), { recursive: true });
  symlinkSync(join(import.meta.dir, ".."), join(dir, "node_modules", "@memflow-ts", "sdk"));
  symlinkSync(join(import.meta.dir, "..", "..", "core"), join(dir, "node_modules", "@memflow-ts", "core"));
}

/** Scaffolds a project in `root`, linked to the workspace's packages; returns its files, relative and sorted. */
function scaffold(options: Omit<PluginProjectOptions, "dir">, folder: string): { dir: string; files: string[] } {
  const dir = join(root, folder);
  const files = createPluginProject({ ...options, dir });
  linkWorkspacePackages(dir);
  return { dir, files: files.map((file) => file.slice(dir.length + 1)).sort() };
}

async function run(command: string[], cwd: string) {
  const child = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, exitCode };
}

/** `bun run build` in a C project: the plugin library and its .meta in dist/. */
async function expectBuilds(dir: string, name: string): Promise<void> {
  const build = await run([process.execPath, "run", "build"], dir);
  expect(build.stderr).not.toContain("error");
  expect(build.exitCode).toBe(0);
  const built = readdirSync(join(dir, "dist")).sort();
  expect(built).toHaveLength(2);
  expect(built[0]).toMatch(new RegExp(`^libmemflow_${name}_[0-9a-f]{7}\\.meta$`));
  expect(built[1]).toMatch(new RegExp(`^libmemflow_${name}_[0-9a-f]{7}\\.so$`));
}

/** The project's own `bun test`: every one of its `count` tests passes. */
async function expectOwnTestsPass(dir: string, count: number): Promise<void> {
  const tests = await run([process.execPath, "test"], dir);
  expect(tests.stderr).toMatch(new RegExp(`\\n ${count} pass\\n 0 fail\\n`));
  expect(tests.exitCode).toBe(0);
}

test("a scaffolded C plugin project builds and passes its own tests", async () => {
  const { dir, files } = scaffold({ name: "mydevice" }, "memflow-mydevice");
  expect(files).toEqual([
    ".gitignore",
    "README.md",
    "package.json",
    "scripts/build.ts",
    "src/mydevice.c",
    "test/mydevice.test.ts",
  ]);

  await expectBuilds(dir, "mydevice");
  await expectOwnTestsPass(dir, 10);
}, 120_000);

test("a scaffolded C OS plugin project builds and passes its own Inventory tests", async () => {
  const { dir, files } = scaffold({ name: "my_os", kind: "os" }, "memflow-my-os");
  expect(files).toEqual([
    ".gitignore",
    "README.md",
    "package.json",
    "scripts/build.ts",
    "src/my_os.c",
    "src/my_os/memory.c",
    "src/my_os/objects.c",
    "src/my_os/os.c",
    "src/my_os/process.c",
    "src/my_os/translate.c",
    "test/my_os.test.ts",
  ]);
  // Every template name is renamed: nothing of `myos` is left, in any case.
  for (const file of files) expect(readFileSync(join(dir, file), "utf8")).not.toMatch(/myos/i);

  await expectBuilds(dir, "my_os");
  await expectOwnTestsPass(dir, 6);
}, 180_000);

test("a scaffolded TypeScript connector project passes the harness and its Inventory test", async () => {
  const { dir, files } = scaffold({ name: "sparse_mem", lang: "ts" }, "memflow-sparse");
  expect(files).toEqual([".gitignore", "README.md", "package.json", "src/sparse_mem.ts", "test/sparse_mem.test.ts"]);
  expect(readFileSync(join(dir, "src", "sparse_mem.ts"), "utf8")).toContain(
    "export const sparseMem = defineConnector(",
  );
  await expectOwnTestsPass(dir, 11);
}, 120_000);

test("refuses a TypeScript OS layer until defineOs exists, and unknown kinds and languages", () => {
  const dir = join(root, "never");
  expect(() => createPluginProject({ name: "tsos", dir, lang: "ts", kind: "os" })).toThrow(
    /TypeScript OS layers: after defineOs lands/,
  );
  const options = { name: "x", dir } as const;
  // @ts-expect-error: a kind the type does not allow, as a JavaScript caller could pass it
  expect(() => createPluginProject({ ...options, kind: "driver" })).toThrow(/unknown plugin kind "driver"/);
  // @ts-expect-error: a language the type does not allow
  expect(() => createPluginProject({ ...options, lang: "rust" })).toThrow(/unknown language "rust"/);
  expect(existsSync(dir)).toBe(false);
});

test("refuses a bad name and a folder that is not empty", () => {
  expect(() => createPluginProject({ name: "My-Device", dir: join(root, "bad") })).toThrow(BuildError);
  const taken = join(root, "taken");
  createPluginProject({ name: "taken", dir: taken });
  expect(() => createPluginProject({ name: "taken", dir: taken })).toThrow(/already exists/);
});

/** `list` keeps analysed descriptors in ~/.cache/memflow-ts/descriptors.json and trusts only unchanged files. */
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";

const FIXTURES = join(import.meta.dir, "../../../packages/analyzer/test/fixtures/elf");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-cache-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

async function list(home: string) {
  const { context, stdout } = testContext({ home, cwd: join(sandbox, "cwd") });
  expect(await runCli(["list", "--json"], context)).toBe(ExitCode.ok);
  return stdout.text();
}

test("a second list reads the cache; a replaced plugin is analysed again; a damaged cache is ignored", async () => {
  const home = join(sandbox, "home");
  const plugins = join(home, ".local", "lib", "memflow");
  mkdirSync(plugins, { recursive: true });
  mkdirSync(join(sandbox, "cwd"));
  const path = join(plugins, "libmemflow_gcc.so");
  copyFileSync(join(FIXTURES, "x86_64-gcc.so"), path);
  const cacheFile = join(home, ".cache", "memflow-ts", "descriptors.json");

  const first = await list(home);
  expect(first).toContain('"gcc-x86_64"');
  const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { format: number; entries: Record<string, unknown> };
  expect(cached.format).toBe(1);
  expect(Object.keys(cached.entries)).toHaveLength(1);
  expect(await list(home)).toBe(first);

  // Another plugin under the same file name: new identity, new analysis, one entry again.
  copyFileSync(join(FIXTURES, "x86_64-plugin-version-2.so"), path);
  const replaced = await list(home);
  expect(replaced).not.toContain('"gcc-x86_64"');
  expect(Object.keys(JSON.parse(readFileSync(cacheFile, "utf8")).entries)).toHaveLength(1);

  writeFileSync(cacheFile, "{ not json");
  expect(await list(home)).toBe(replaced);
  expect(existsSync(cacheFile)).toBe(true);
  expect(JSON.parse(readFileSync(cacheFile, "utf8")).format).toBe(1);
});

test("a cache of another format, or with entries that are not descriptor lists, is read around and rewritten", async () => {
  const home = join(sandbox, "home-formats");
  const plugins = join(home, ".local", "lib", "memflow");
  mkdirSync(plugins, { recursive: true });
  mkdirSync(join(sandbox, "cwd"), { recursive: true });
  copyFileSync(join(FIXTURES, "x86_64-gcc.so"), join(plugins, "libmemflow_gcc.so"));
  const cacheFile = join(home, ".cache", "memflow-ts", "descriptors.json");
  const first = await list(home);
  const [key] = Object.keys(JSON.parse(readFileSync(cacheFile, "utf8")).entries);
  const wrong = [{ name: "from-the-cache", plugin_kind: "connector" }];

  // Another format's entries are never used, even under the file's current key.
  writeFileSync(cacheFile, JSON.stringify({ format: 2, entries: { [key as string]: wrong } }));
  expect(await list(home)).toBe(first);
  expect(JSON.parse(readFileSync(cacheFile, "utf8")).format).toBe(1);

  // A value that is not a list is skipped; the file is analysed again and its entry written back.
  writeFileSync(cacheFile, JSON.stringify({ format: 1, entries: { [key as string]: "damaged", other: wrong } }));
  expect(await list(home)).toBe(first);
  const rewritten = JSON.parse(readFileSync(cacheFile, "utf8")) as { entries: Record<string, unknown> };
  expect(Object.keys(rewritten.entries)).toEqual([key as string]);
  expect(Array.isArray(rewritten.entries[key as string])).toBe(true);
});

/**
 * A plugin whose `.meta` cannot be read: memflow skips it, so asking for it by name must say
 * which file was skipped and why (not only "available: …"), and `plugins clean` must never
 * delete the library for it; it removes the damaged `.meta` only when asked, and says so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltPlugin } from "@memflow-ts/sdk";
import { ExitCode } from "../src/index.ts";
import { cli } from "./run-cli.ts";
import { buildDummy, buildTargets, gcc, installCopy } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-damaged-meta-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let dummy: BuiltPlugin;
let targets: BuiltPlugin;
beforeAll(() => {
  if (!gcc.available) return;
  dummy = buildDummy(join(sandbox, "build"));
  targets = buildTargets(join(sandbox, "build"));
});

let home = "";
let folder = "";
let damaged = "";
beforeEach(() => {
  if (!gcc.available) return;
  home = mkdtempSync(join(sandbox, "home-"));
  folder = join(home, ".local", "lib", "memflow");
  installCopy(targets, folder, { salt: "targets", createdAt: "2024-01-01T00:00:00" });
  damaged = installCopy(dummy, folder, { salt: "dummy", createdAt: "2024-01-01T00:00:00" });
  writeFileSync(damaged.replace(/\.so$/, ".meta"), '{"digest": "');
});

describe.skipIf(!gcc.available)("a plugin whose .meta is damaged", () => {
  test("read -c <it> names the skipped file and why, not only the plugins available", async () => {
    const run = await cli(home, ["read", "-c", "dummy::size=1m", "0", "16"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toStartWith(
      "[X] inventory: plugin not found (no connector plugin named dummy (available: targets)",
    );
    expect(run.stderr).toContain(`skipped: ${damaged} (`);
    expect(run.stderr).toContain("is not valid JSON");
  });

  test("help <it> names the skipped file too", async () => {
    const run = await cli(home, ["help", "dummy"]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain(`skipped: ${damaged} (`);
  });

  test("plugins clean keeps the library and says why; --remove-damaged-meta removes only the .meta", async () => {
    const metaPath = damaged.replace(/\.so$/, ".meta");
    const kept = await cli(home, ["plugins", "clean"]);
    expect(kept.code).toBe(ExitCode.ok);
    expect(existsSync(damaged)).toBe(true);
    expect(existsSync(metaPath)).toBe(true);
    expect(kept.stdout).toContain(`Kept "${damaged}": its .meta is damaged`);
    expect(kept.stdout).toContain("--remove-damaged-meta");
    expect(kept.stdout).toContain("removed 0 plugins");

    const dry = await cli(home, ["plugins", "clean", "--remove-damaged-meta", "--dry-run"]);
    expect(dry.stdout).toContain(`[-] Would delete damaged .meta: "${metaPath}"`);
    expect(existsSync(metaPath)).toBe(true);

    const removed = await cli(home, ["plugins", "clean", "--remove-damaged-meta"]);
    expect(removed.code).toBe(ExitCode.ok);
    expect(removed.stdout).toContain(`[=] Deleted damaged .meta: "${metaPath}"`);
    expect(removed.stdout).toContain(`kept the plugin ${JSON.stringify(damaged)}`);
    expect(existsSync(damaged)).toBe(true);
    expect(existsSync(metaPath)).toBe(false);
    // Without a .meta memflow loads it again, ordered by the file's creation time.
    const read = await cli(home, ["read", "-c", "dummy::size=1m", "0", "16"]);
    expect(read.code).toBe(ExitCode.ok);
    expect(readdirSync(folder).filter((name) => name.startsWith("libmemflow_dummy_"))).toEqual([
      damaged.slice(folder.length + 1),
    ]);
  });
});

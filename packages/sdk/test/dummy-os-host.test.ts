/**
 * The dummy OS plugin driven from C (support/dummy-os-host.c) as memflow's own host drives a
 * plugin, without the TypeScript host: every string it hands out is freed, failed calls drop what
 * they were given, clones and owning processes free their copies. Run plain, then under
 * AddressSanitizer and UBSan, where a leak or an invalid access fails the run.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "@memflow-ts/core/install";
import { requireFeature, requireTool } from "../../../tooling/testing/require-tool.ts";
import { SANITIZER_ENV, SANITIZER_FLAGS, sanitizersWork } from "../../../tooling/testing/sanitizers.ts";
import { bundledPluginSource, INCLUDE_DIRECTORY } from "../src/index.ts";

const directory = mkdtempSync(join(tmpdir(), "memflow-ts-dummy-os-host-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const WARNINGS = ["-Wall", "-Wextra", "-Werror", "-std=c11", "-D_DEFAULT_SOURCE", "-O1", "-g"];

function gcc(args: readonly string[]): void {
  const run = Bun.spawnSync(["gcc", ...WARNINGS, `-I${INCLUDE_DIRECTORY}`, `-I${ABI_INCLUDE_DIRECTORY}`, ...args], {
    stderr: "pipe",
  });
  expect(run.stderr.toString()).toBe("");
  expect(run.exitCode).toBe(0);
}

/** Builds both plugins and the host with `flags` and runs the host; returns what it printed. */
function runHost(name: string, flags: readonly string[]) {
  const os = join(directory, `libdummy-os-${name}.so`);
  const connector = join(directory, `libdummy-${name}.so`);
  const host = join(directory, `host-${name}`);
  gcc([...flags, "-shared", "-fPIC", "-o", os, bundledPluginSource("dummy-os")]);
  gcc([...flags, "-shared", "-fPIC", "-o", connector, bundledPluginSource("dummy")]);
  gcc([...flags, "-o", host, join(import.meta.dir, "support", "dummy-os-host.c"), "-ldl"]);
  const run = Bun.spawnSync([host, os, connector], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...SANITIZER_ENV },
  });
  return { exitCode: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

/** How many expectations the host checks; far fewer would mean its checks stopped running. */
const EXPECTATIONS = 70;

function passedCount(stdout: string): number {
  return Number(/^(\d+) passed, 0 failed$/m.exec(stdout)?.[1] ?? -1);
}

test("a C host drives every part of the dummy OS through the ABI and frees what it is given", () => {
  if (!requireTool("gcc", "gcc").available) return;
  const result = runHost("plain", []);
  expect(result.stderr).toBe("");
  expect(result.stdout).toEndWith(" passed, 0 failed\n");
  expect(passedCount(result.stdout)).toBeGreaterThan(EXPECTATIONS);
  expect(result.exitCode).toBe(0);
}, 60_000);

test("under AddressSanitizer and UBSan: closing everything leaks nothing, no invalid access", () => {
  if (!requireTool("gcc", "gcc").available) return;
  if (!requireFeature("gcc's AddressSanitizer and UBSan runtimes", "libasan8 libubsan1", sanitizersWork(directory)))
    return;
  const result = runHost("sanitized", SANITIZER_FLAGS);
  expect(result.stderr).toBe("");
  expect(passedCount(result.stdout)).toBeGreaterThan(EXPECTATIONS);
  expect(result.exitCode).toBe(0);
}, 120_000);

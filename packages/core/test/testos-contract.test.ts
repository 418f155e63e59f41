/**
 * The testos plugin, which core's OS-layer tests rely on, against its contract
 * (support/plugins/test-os.md), checked by a C host of its own (support/testos-host/) that calls
 * every vtable entry directly, as a memflow host does: the plugin is verified without the
 * TypeScript host, so a failure in the OS-layer tests is the host's, not the plugin's.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { requireFeature } from "../../../tooling/testing/require-tool.ts";
import { SANITIZER_ENV, SANITIZER_FLAGS, sanitizersWork } from "../../../tooling/testing/sanitizers.ts";
import { buildTestosHost, buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

const directory = pluginDirectory("memflow-ts-testos-contract-");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Builds both plugin builds, the connector and the host with `flags`, runs the host, returns its output. */
function runHost(name: string, flags: readonly string[], env: Record<string, string> = {}) {
  const plugins = [
    buildTestPlugin(directory, "test-os.c", `libmemflow_testos-${name}.so`, flags),
    buildTestPlugin(directory, "test-os.c", `libmemflow_testosmin-${name}.so`, ["-DTESTOS_MINIMAL", ...flags]),
    buildTestPlugin(directory, "test-connector.c", `libmemflow_testmem-${name}.so`, flags),
  ];
  const host = buildTestosHost(directory, `testos-host-${name}`, flags);
  const run = Bun.spawnSync([host, ...plugins], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  });
  return { exitCode: run.exitCode, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

/** The host's last line, `<n> passed, <m> failed`. */
function summary(stdout: string): { passed: number; failed: number } {
  const match = /^(\d+) passed, (\d+) failed$/m.exec(stdout);
  return { passed: Number(match?.[1] ?? 0), failed: Number(match?.[2] ?? -1) };
}

// About 800 checks today; a much smaller count means checks stopped running.
const CHECKS = 700;

test("the full and minimal builds keep every promise of test-os.md, checked from C", () => {
  const result = runHost("plain", []);
  expect(result.stderr).toBe("");
  expect(summary(result.stdout)).toEqual({ passed: expect.any(Number), failed: 0 });
  expect(summary(result.stdout).passed).toBeGreaterThan(CHECKS);
  expect(result.exitCode).toBe(0);
  // It compiles four programs first: Bun's 5 s default is gcc's time alone on a busy machine.
}, 60_000);

test("under AddressSanitizer and UBSan: no leak, no invalid access, no undefined behaviour", () => {
  if (!requireFeature("gcc's AddressSanitizer and UBSan runtimes", "libasan8 libubsan1", sanitizersWork(directory)))
    return;
  // Leaks fail the run (exit 23), as does any sanitizer report (halt_on_error).
  const result = runHost("sanitized", SANITIZER_FLAGS, SANITIZER_ENV);
  expect(result.stderr).toBe("");
  expect(summary(result.stdout)).toEqual({ passed: expect.any(Number), failed: 0 });
  expect(summary(result.stdout).passed).toBeGreaterThan(CHECKS);
  expect(result.exitCode).toBe(0);
}, 60_000);

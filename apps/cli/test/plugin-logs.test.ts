/**
 * What a plugin logs reaches stderr: records from the plugin's own thread too, up to the level
 * of `-v` or `--log-level`, control characters escaped. The plugin is core's C test connector
 * (`testmem`), built with gcc: it logs at info when created and at warn from a thread it starts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "@memflow-ts/core/install";
import { formatLogRecord } from "../src/inventory/open-inventory.ts";
import { ExitCode } from "../src/io.ts";
import { cli } from "./run-cli.ts";
import { gcc } from "./support/plugins.ts";

const TEST_CONNECTOR = join(import.meta.dir, "../../../packages/core/test/support/plugins/test-connector.c");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-plugin-logs-"));
const home = join(sandbox, "home");
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

beforeAll(() => {
  if (!gcc.available) return;
  const folder = join(home, ".local", "lib", "memflow");
  mkdirSync(folder, { recursive: true });
  const build = Bun.spawnSync(
    [
      "gcc",
      "-shared",
      "-fPIC",
      "-O2",
      "-pthread",
      `-I${ABI_INCLUDE_DIRECTORY}`,
      "-o",
      join(folder, "libmemflow_testmem.so"),
      TEST_CONNECTOR,
    ],
    { stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`gcc failed: ${build.stderr}`);
});

/** Reads 16 bytes through testmem, which joins its logging thread before create returns. */
const read = (...flags: string[]) => cli(home, ["read", "-c", "testmem::join_log_thread=1", "0", "16", ...flags]);

describe.skipIf(!gcc.available)("plugin log records on stderr", () => {
  test("none by default: only errors pass, and testmem logs none", async () => {
    const run = await read();
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stderr).toBe("");
  });

  test("-v shows warnings, including the one logged from the plugin's own thread", async () => {
    const run = await read("-v");
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stderr).toMatch(/^\[plugin WARN [^\]]+\] hello from a plugin thread \(.*test-connector\.c:\d+\)$/m);
    expect(run.stderr).not.toContain("created testmem");
  });

  test("-vv and --log-level info add info records; trace stays filtered out at info", async () => {
    for (const flags of [["-vv"], ["--log-level", "info"], ["--log-level=INFO"]]) {
      const run = await read(...flags);
      expect(run.stderr).toContain("] created testmem with 0x10000 bytes");
      expect(run.stderr).toContain("] hello from a plugin thread");
      expect(run.stderr).not.toContain("a trace record");
    }
    expect((await read("-vvvv")).stderr).toContain("a trace record the default level filters out");
  });

  test("--log-level off silences plugins; an unknown level is a usage error", async () => {
    expect((await read("-vvvv", "--log-level", "off")).stderr).toBe("");
    const bad = await read("--log-level", "loud");
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('log level "loud" is not one of off, error, warn, info, debug, trace');
  });
});

test("a record's text is escaped: a plugin cannot send control sequences to the terminal", () => {
  const line = formatLogRecord(
    {
      level: "error",
      target: "evil\u001b]0;title\u0007",
      message: "line\r\u001b[2Jcleared",
      modulePath: undefined,
      file: "a\nb.rs",
      line: 7,
    },
    false,
  );
  expect(line).toBe("[plugin ERROR evil\\x1b]0;title\\x07] line\\x0d\\x1b[2Jcleared (a\\x0ab.rs:7)\n");
});

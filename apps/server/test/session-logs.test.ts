/**
 * What plugins in inventory sessions log reaches the server's log: core's test connector
 * (`testmem`) logs from its `create` and from a thread of its own, and each record must arrive
 * as one escaped line naming the session, unless the level keeps it out. A plugin that prints to
 * stdout itself, outside the protocol, must not break the server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginLogRecord } from "@memflow-ts/core";
import { ABI_INCLUDE_DIRECTORY } from "@memflow-ts/core/install";
import { buildPlugin } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { createApp } from "../src/app.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { sessionLogLine, sessionOutputLine } from "../src/inventory/session-log-line.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import { until } from "./session-support.ts";

const gcc = requireTool("gcc", "gcc");
const CORE_TEST_PLUGINS = join(import.meta.dir, "../../../packages/core/test/support/plugins");
const TOKEN = "inventory-secret";
const folder = mkdtempSync(join(tmpdir(), "memflow-ts-session-logs-"));
const pluginDir = join(folder, "plugins");
const source = { pluginDirectories: [pluginDir] };
const store = new PluginStore(join(folder, "storage"));
const pools: SessionPool[] = [];

function buildTestConnector(): void {
  mkdirSync(pluginDir, { recursive: true });
  const output = join(pluginDir, "libmemflow_testmem.so");
  const command = ["gcc", "-shared", "-fPIC", "-O2", "-pthread", `-I${ABI_INCLUDE_DIRECTORY}`, "-o", output];
  const run = Bun.spawnSync([...command, join(CORE_TEST_PLUGINS, "test-connector.c")], { stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`gcc failed for test-connector.c: ${run.stderr.toString()}`);
}

/** A connector whose `create` writes `printed` to stdout itself, as a C plugin's printf would. */
function buildPrintingConnector(name: string, printed: string): void {
  const file = join(folder, `${name}.c`);
  writeFileSync(
    file,
    `#include <stdio.h>
#include "memflow-plugin.h"
static void *create(const mf_connector_args *args, int32_t *error) {
  (void)args; (void)error;
  fputs("${printed}", stdout);
  fflush(stdout);
  return malloc(1);
}
static void release(void *state) { free(state); }
static int64_t zeros(void *state, uint64_t at, uint8_t *out, uint64_t size) { (void)state; (void)at; memset(out, 0, size); return (int64_t)size; }
static mf_metadata sizes(void *state) { (void)state; mf_metadata result = { 0xfff, 0x1000, false, 1 }; return result; }
static const mf_connector_ops ops = { .create = create, .drop = release, .read = zeros, .metadata = sizes };
MEMFLOW_CONNECTOR(${name.toUpperCase()}, "${name}", "1.0.0", "prints to stdout", ops);
`,
  );
  buildPlugin({ name, sources: [file], outDir: pluginDir, meta: false });
}

/** An app with the inventory on; `logs` is its log; `sessions` its pool (default: one logging to `logs`). */
function inventoryServer(logs: string[], sessions: SessionPool = pool(logs, "info")) {
  const app = createApp({
    store,
    bearerToken: "t",
    log: (line) => logs.push(line),
    inventory: { token: TOKEN, source },
    sessions,
  });
  const call = (path: string, init: RequestInit = {}) =>
    app.handle(new Request(`http://localhost${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}` } }));
  return {
    open: (chain: string) => call("/api/inventory/sessions", { method: "POST", body: JSON.stringify({ chain }) }),
    async openId(chain: string): Promise<string> {
      const response = await this.open(chain);
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    },
    read: (id: string) => call(`/api/inventory/sessions/${id}/memory?address=0&length=8`),
    close: (id: string) => call(`/api/inventory/sessions/${id}`, { method: "DELETE" }),
    health: () => app.handle(new Request("http://localhost/health")),
  };
}

/** A pool whose log is `logs`, closed after the tests. */
function pool(logs: string[], logLevel: "error" | "warn" | "info"): SessionPool {
  const plugins = ["testmem", "chatty", "unfinished", "forger"].map((name) => ({ name, write: false }));
  const policy = new ChainPolicy(plugins, new PathConfinement([]));
  const sessions = new SessionPool(source, { log: (line) => logs.push(line), logLevel, policy });
  pools.push(sessions);
  return sessions;
}

const THREAD_RECORD = "hello from a plugin thread";

beforeAll(() => {
  if (!gcc.available) return;
  buildTestConnector();
  buildPrintingConnector("chatty", "hello \\x1b[31mfrom printf\\n");
  buildPrintingConnector("unfinished", "connecting...");
  buildPrintingConnector("forger", '{\\"log\\":null}\\n');
});
afterAll(() => {
  for (const sessions of pools) sessions.closeAll();
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("a session log line", () => {
  const record = (fields: Partial<PluginLogRecord>): PluginLogRecord => ({
    level: "warn",
    target: "testmem",
    message: "hello",
    modulePath: undefined,
    file: undefined,
    line: undefined,
    ...fields,
  });

  test("names the session, level, target, message and where the plugin logged it", () => {
    expect(sessionLogLine("s1", record({ file: "src/lib.rs", line: 42 }))).toBe(
      "session s1: plugin WARN testmem: hello (src/lib.rs:42)",
    );
    expect(sessionLogLine("s1", record({ level: "info" }))).toBe("session s1: plugin INFO testmem: hello");
  });

  test("escapes a plugin's control characters, so it can forge no line and send no terminal escape", () => {
    const forged = record({ target: "t\x07", message: "ok\n2026-01-01 upload: Added\x1b[2J", file: "a\rb" });
    expect(sessionLogLine("s1", forged)).toBe(
      "session s1: plugin WARN t\\x07: ok\\x0a2026-01-01 upload: Added\\x1b[2J (a\\x0db)",
    );
    expect(sessionOutputLine("s1", "\u2028\x9b")).toBe("session s1: plugin output: \\u2028\\x9b");
  });
});

describe.skipIf(!gcc.available)("plugin log records of inventory sessions", () => {
  test("a record a plugin logs from its own thread reaches the server's log with the session id", async () => {
    const logs: string[] = [];
    const server = inventoryServer(logs);
    const id = await server.openId("-c testmem");
    // Records logged while the chain was built arrive before the session is reported open.
    expect(logs).toContainEqual(expect.stringMatching(lineOf(id, "INFO", "created testmem with 0x10000 bytes")));
    await until(() => logs.some((line) => line.includes(THREAD_RECORD)), "the thread's record");
    expect(logs).toContainEqual(expect.stringMatching(lineOf(id, "WARN", THREAD_RECORD)));
    // The default level, info, keeps the trace record out.
    expect(logs.join("\n")).not.toContain("a trace record");
    expect((await server.close(id)).status).toBe(204);
  });

  test("a level above a record's keeps it out of the log", async () => {
    const warnLogs: string[] = [];
    const errorLogs: string[] = [];
    const warn = inventoryServer(warnLogs, pool(warnLogs, "warn"));
    const error = inventoryServer(errorLogs, pool(errorLogs, "error"));
    const warnId = await warn.openId("-c testmem");
    const errorId = await error.openId("-c testmem");
    await until(() => warnLogs.some((line) => line.includes(THREAD_RECORD)), "the thread's record at warn");
    expect(warnLogs.join("\n")).not.toContain("created testmem");
    // The thread of the session at error has run by now too; a read and two drain periods make sure.
    expect((await error.read(errorId)).status).toBe(200);
    await Bun.sleep(120);
    // The pool's own lines (a session opening) remain; no plugin record does.
    expect(errorLogs.filter((line) => line.includes(": plugin "))).toEqual([]);
    expect((await warn.close(warnId)).status).toBe(204);
    expect((await error.close(errorId)).status).toBe(204);
  });

  test("a plugin printing to stdout keeps its session; its text reaches the log escaped", async () => {
    const logs: string[] = [];
    const server = inventoryServer(logs);
    const id = await server.openId("-c chatty");
    expect(logs).toContain(`session ${id}: plugin output: hello \\x1b[31mfrom printf`);
    expect((await server.read(id)).status).toBe(200);
    expect((await server.close(id)).status).toBe(204);
  });

  test("a plugin that printed part of a line does not swallow the message after it", async () => {
    const logs: string[] = [];
    const server = inventoryServer(logs);
    const id = await server.openId("-c unfinished");
    expect(logs).toContain(`session ${id}: plugin output: connecting...`);
    expect((await server.read(id)).status).toBe(200);
    expect((await server.close(id)).status).toBe(204);
  });

  test("a message the server cannot handle ends that session only", async () => {
    const server = inventoryServer([]);
    const opened = await server.open("-c forger");
    expect(opened.status).toBe(502);
    expect(await opened.text()).toStartWith("the session process broke the protocol");
    expect((await server.health()).status).toBe(200);
    const id = await server.openId("-c chatty");
    expect((await server.close(id)).status).toBe(204);
  });
});

/** A log line of session `id`, whatever line of test-connector.c logged it. */
function lineOf(id: string, level: string, message: string): RegExp {
  return new RegExp(`^session ${id}: plugin ${level} testmem: ${message} \\(test-connector\\.c:\\d+\\)$`);
}

/**
 * Plugin log records reach the host's sink on the JavaScript thread, including records a plugin
 * logs from its own thread, and level changes reach the plugin.
 */

import { dlopen } from "bun:ffi";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Inventory, type PluginLogRecord } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

let directory: string;
let inventory: Inventory;
let pluginLevel: () => number | bigint;
const records: PluginLogRecord[] = [];

beforeAll(() => {
  directory = pluginDirectory("memflow-ts-logs-");
  const path = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  inventory = Inventory.scanPath(directory, {
    host: hostFor("linux", process.arch),
    log: (record) => records.push(record),
    logLevel: "info",
  });
  const probe = dlopen(path, { testmem_plugin_level: { args: [], returns: "i64" } }).symbols;
  pluginLevel = () => probe.testmem_plugin_level();
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    inventory.flushLogs();
    if (condition()) return;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("plugin logging", () => {
  test("records logged during create arrive with level, target, location and the formatted message", () => {
    using connector = inventory.instantiateConnector("testmem", undefined, ":size=100");
    expect(connector.closed).toBe(false);
    const created = records.find((record) => record.message.startsWith("created testmem"));
    expect(created).toEqual({
      level: "info",
      target: "testmem",
      message: "created testmem with 0x100 bytes",
      modulePath: "testmem::plugin",
      file: "test-connector.c",
      line: expect.any(Number),
    });
    expect(records.some((record) => record.level === "trace")).toBe(false);
  });

  test("a record logged from a plugin's own thread arrives on the JavaScript thread", async () => {
    await until(() => records.some((record) => record.message === "hello from a plugin thread"), "the thread's record");
    expect(records.find((record) => record.message === "hello from a plugin thread")?.level).toBe("warn");
  });

  test("setMaxLogLevel reaches the plugin and lets more detail through", () => {
    expect(Number(pluginLevel())).toBe(3);
    inventory.setMaxLogLevel("trace");
    expect(Number(pluginLevel())).toBe(5);
    // Joined: no thread of this test logs later, into the next test's sinks.
    using connector = inventory.instantiateConnector("testmem", undefined, ":size=100,join_log_thread=1");
    expect(connector.closed).toBe(false);
    expect(records.some((record) => record.level === "trace")).toBe(true);
    inventory.setMaxLogLevel("off");
    expect(Number(pluginLevel())).toBe(0);
  });
});

test("a record longer than the drain buffer arrives cut, and the records after it arrive too", () => {
  inventory.setMaxLogLevel("info");
  const before = records.length;
  inventory.instantiateConnector("testmem", undefined, ":size=100,long_log=70000,join_log_thread=1").close();
  const arrived = records.slice(before);
  const long = arrived.find((record) => record.message.startsWith("xxx"));
  expect(long?.message).toHaveLength(8192);
  expect(long?.message.endsWith("x [cut]")).toBe(true);
  expect(arrived.map((record) => record.message).slice(1)).toEqual([
    "created testmem with 0x100 bytes",
    "hello from a plugin thread",
  ]);
});

describe("several inventories in one process", () => {
  test("each sink takes records up to its own level; plugins send the most verbose; a closed one takes none", () => {
    inventory.setMaxLogLevel("off");
    const messages = (list: PluginLogRecord[]) => list.map((record) => `${record.level} ${record.message}`);
    const warnings: PluginLogRecord[] = [];
    const debug: PluginLogRecord[] = [];
    const host = hostFor("linux", process.arch);
    using quiet = Inventory.scanPath(directory, { host, log: (record) => warnings.push(record), logLevel: "warn" });
    const chatty = Inventory.scanPath(directory, { host, log: (record) => debug.push(record), logLevel: "debug" });
    // A plugin's record carries nothing that says which inventory started it (memflow's ABI), so
    // both sinks see what quiet's connector logs, each up to its level.
    quiet.instantiateConnector("testmem", undefined, ":size=100,join_log_thread=1").close();
    expect(messages(warnings)).toEqual(["warn hello from a plugin thread"]);
    expect(messages(debug)).toEqual(["info created testmem with 0x100 bytes", "warn hello from a plugin thread"]);
    expect(Number(pluginLevel())).toBe(4);

    chatty.close();
    expect(Number(pluginLevel())).toBe(2);
    quiet.instantiateConnector("testmem", undefined, ":size=100,join_log_thread=1").close();
    expect(warnings).toHaveLength(2);
    expect(debug).toHaveLength(2);
  });
});

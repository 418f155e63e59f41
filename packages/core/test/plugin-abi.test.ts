/**
 * Checks a plugin must pass when it is loaded: abi_stable layouts (when present) that match
 * memflow 0.2, a descriptor whose version is still 1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { NativePluginHost } from "../src/ffi/native-host.ts";
import { Inventory, MemflowError } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

let root: string;

beforeAll(() => {
  root = pluginDirectory("memflow-ts-abi-");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function inventoryWith(name: string, flags: string[], warnings: string[] = []): { inventory: Inventory; path: string } {
  const directory = join(root, name);
  Bun.spawnSync(["mkdir", "-p", directory]);
  const path = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so", flags);
  const inventory = Inventory.scanPath(directory, {
    host: hostFor("linux", process.arch),
    warn: (message) => warnings.push(message),
  });
  return { inventory, path };
}

describe("plugin ABI checks", () => {
  test("layouts that match memflow 0.2 load without a warning", () => {
    const warnings: string[] = [];
    const { inventory } = inventoryWith("good", ["-DLAYOUTS=1"], warnings);
    using connector = inventory.instantiateConnector("testmem");
    expect(connector.metadata().realSize).toBe(0x10000n);
    expect(warnings).toEqual([]);
  });

  test("layouts from an incompatible build are (Inventory, InvalidAbi), naming the file and the mismatch", () => {
    const { inventory, path } = inventoryWith("bad", ["-DLAYOUTS=2"]);
    let error: unknown;
    try {
      inventory.instantiateConnector("testmem");
    } catch (caught) {
      error = caught;
    }
    expect(error instanceof MemflowError && error.is("Inventory", "InvalidAbi")).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain("output type is ConnectorInstance of 72 bytes");
    expect((error as Error).message).toContain("memflow;0.1.5");
    expect(() => inventory.connectorHelp("testmem")).toThrow(/InvalidAbi|invalid plugin ABI/);
  });
});

test("a layout naming another type is rejected too", () => {
  const { inventory } = inventoryWith("wrong-type", ["-DLAYOUTS=3"]);
  expect(() => inventory.instantiateConnector("testmem")).toThrow(
    /output type is OsInstance of 64 bytes.*expects ConnectorInstance/,
  );
});

describe("checks after loading", () => {
  test("a descriptor whose version is not 1 once loaded is (Inventory, VersionMismatch)", () => {
    const directory = join(root, "version");
    Bun.spawnSync(["mkdir", "-p", directory]);
    // The scan would refuse this file; the load-time check must refuse it on its own too.
    const path = buildTestPlugin(directory, "test-connector.c", "libmemflow_v2.so", ["-DPLUGIN_VERSION=2"]);
    const host = new NativePluginHost();
    let error: unknown;
    try {
      host.descriptor({ path, exportName: "MEMFLOW_CONNECTOR_TESTMEM", kind: "connector" });
    } catch (caught) {
      error = caught;
    }
    expect(error instanceof MemflowError && error.is("Inventory", "VersionMismatch")).toBe(true);
    expect((error as Error).message).toContain("version 1 required, found 2");
  });

  test("plugins() says which files have been loaded", () => {
    const { inventory } = inventoryWith("loaded", []);
    expect(inventory.plugins().map((entry) => entry.loaded)).toEqual([false]);
    using connector = inventory.instantiateConnector("testmem");
    expect(connector.closed).toBe(false);
    expect(inventory.plugins().map((entry) => entry.loaded)).toEqual([true]);
  });
});

/**
 * Checks a plugin must pass when it is loaded: abi_stable layouts (when present) that match
 * memflow 0.2, a descriptor whose version is still 1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { hostFor, Inventory, MemflowError } from "../src/index.ts";
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
    expect((error as Error).message).toContain("output type is 72 bytes");
    expect((error as Error).message).toContain("memflow;0.1.5");
    expect(() => inventory.connectorHelp("testmem")).toThrow(/InvalidAbi|invalid plugin ABI/);
  });
});

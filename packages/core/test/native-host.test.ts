/**
 * The host calling real plugins: C libraries built with gcc against memflow 0.2's exact layouts
 * (memflow's Rust types are repr(C), so these are the calling sequences Rust plugins see).
 */

import { dlopen } from "bun:ffi";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { scriptInputsHeld } from "../src/ffi/script-input.ts";
import { Inventory, MemflowError, TransferBatch } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { bufferConnector } from "./support/buffer-connector.ts";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";

let directory: string;
let inventory: Inventory;
let probe: ReturnType<typeof openProbe>;
const warnings: string[] = [];

function openProbe(path: string) {
  return dlopen(path, {
    testmem_live_instances: { args: [], returns: "i32" },
    testmem_last_target: { args: [], returns: "cstring" },
    testmem_last_middleware: { args: ["i32"], returns: "i64" },
    testmem_last_input_tag: { args: [], returns: "i32" },
  }).symbols;
}

beforeAll(() => {
  directory = pluginDirectory("memflow-ts-native-");
  const connector = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  buildTestPlugin(directory, "test-os.c", "libmemflow_testos.so");
  inventory = Inventory.scanPath(directory, {
    host: hostFor("linux", process.arch),
    warn: (message) => warnings.push(message),
  });
  probe = openProbe(connector);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const memflowError = (run: () => unknown): MemflowError => {
  try {
    run();
  } catch (error) {
    if (error instanceof MemflowError) return error;
    throw error;
  }
  throw new Error("expected a MemflowError");
};

describe("connectors", () => {
  test("scanning does not load a plugin; first use does, with a warning for C plugins' missing layouts", () => {
    const entry = inventory.plugins().find((plugin) => plugin.descriptors[0]?.name === "testmem");
    expect(entry).toBeDefined();
    if (!entry) return;
    const fresh = Inventory.scanPath(directory, { host: hostFor("linux", process.arch) });
    expect(fresh.isLoaded(entry)).toBe(false);
    using connector = inventory.instantiateConnector("testmem");
    expect(inventory.isLoaded(entry)).toBe(true);
    expect(connector.name).toBe("testmem");
    expect(warnings.some((warning) => warning.includes("has no abi_stable type layouts"))).toBe(true);
  });

  test("passes the target, extra arguments and middleware settings to create", () => {
    using connector = inventory.instantiateConnector(
      "testmem",
      undefined,
      "my-vm:size=20k,fill=ab:cache=true,cache_size=1m,delay=200,metrics=1",
    );
    expect(probe.testmem_last_target()?.toString()).toBe("my-vm");
    expect([0, 1, 2, 3, 4, 5].map((index) => probe.testmem_last_middleware(index))).toEqual([
      1n,
      1048576n,
      0n,
      0n,
      200n,
      1n,
    ]);
    expect(probe.testmem_last_input_tag()).toBe(0);
    expect(connector.metadata()).toEqual({
      maxAddress: 0x8000n - 1n,
      realSize: 0x8000n,
      readonly: false,
      idealBatchSize: 0xffffffff,
    });
    expect(connector.read(0x100, 4)).toEqual(new Uint8Array([0xab, 0xab, 0xab, 0xab]));
  });

  test("a plugin's own error comes back as the MemflowError it encoded", () => {
    const unknownArgument = memflowError(() => inventory.instantiateConnector("testmem", undefined, ":colour=blue"));
    expect(unknownArgument.is("ArgsValidator", "ArgNotExists")).toBe(true);
    const badSize = memflowError(() => inventory.instantiateConnector("testmem", undefined, ":size=zz"));
    expect(badSize.is("Connector", "InvalidMemorySize")).toBe(true);
    expect(badSize.message).toContain("connector testmem");
  });

  test("reads and writes, with out-of-range parts reported per request", () => {
    using connector = inventory.instantiateConnector("testmem", undefined, ":size=1000");
    connector.write(0x10, new TextEncoder().encode("hello memflow"));
    expect(new TextDecoder().decode(connector.read(0x10, 13))).toBe("hello memflow");
    const [inside, straddling, outside] = connector.readMany([
      { address: 0x10, length: 5 },
      { address: 0xffc, length: 8 },
      { address: 0x5000, length: 4 },
    ]);
    expect(inside).toMatchObject({ ok: true, done: 5, failed: 0 });
    expect(new TextDecoder().decode(inside?.data)).toBe("hello");
    expect(straddling).toMatchObject({ ok: false, done: 4, failed: 4 });
    expect(outside).toMatchObject({ ok: false, done: 0, failed: 4 });
    const written = connector.writeMany([
      { address: 0xffe, data: new Uint8Array([1, 2, 3, 4]) },
      { address: 0x20, data: new Uint8Array([9]) },
    ]);
    expect(written.map((result) => [result.done, result.failed])).toEqual([
      [2, 2],
      [1, 0],
    ]);
    expect(memflowError(() => connector.read(0xfff, 2)).is("PhysicalMemory", "PartialData")).toBe(true);
    expect(connector.readInto(0xfff, new Uint8Array(2))).toBe(1);
  });

  test("a reusable batch reads many small ranges in one call", () => {
    using connector = inventory.instantiateConnector("testmem", undefined, ":size=1000,fill=7");
    const batch = new TransferBatch(64);
    const buffers = Array.from({ length: 64 }, () => new Uint8Array(8));
    for (let round = 0; round < 3; round += 1) {
      batch.clear();
      for (const [index, buffer] of buffers.entries()) batch.add(index * 8, buffer);
      connector.run(batch);
    }
    expect(batch.count).toBe(64);
    expect(Array.from({ length: 64 }, (_, index) => batch.done(index)).every((done) => done === 8)).toBe(true);
    expect(buffers.every((buffer) => buffer.every((byte) => byte === 7))).toBe(true);
  });

  test("clone shares the memory; every instance is dropped exactly once", () => {
    const before = probe.testmem_live_instances();
    const connector = inventory.instantiateConnector("testmem", undefined, ":size=1000");
    const clone = connector.clone();
    expect(probe.testmem_live_instances()).toBe(before + 2);
    connector.write(0, new Uint8Array([42]));
    expect(clone.read(0, 1)[0]).toBe(42);
    connector.close();
    connector.close();
    expect(probe.testmem_live_instances()).toBe(before + 1);
    expect(clone.read(0, 1)[0]).toBe(42);
    clone.close();
    expect(probe.testmem_live_instances()).toBe(before);
    expect(connector.closed).toBe(true);
    expect(memflowError(() => connector.read(0, 1)).is("Ffi", "Uninitialized")).toBe(true);
    expect(memflowError(() => clone.metadata()).is("Ffi", "Uninitialized")).toBe(true);
  });

  test("help text and target lists come back as copied strings", () => {
    expect(inventory.connectorHelp("testmem")).toBe("testmem: size=<hex>[k|m] fill=<hex byte>");
    expect(inventory.connectorTargetList("testmem")).toEqual(["vm-alpha", "vm-beta"]);
    expect(memflowError(() => inventory.osHelp("testos")).is("OsLayer", "NotSupported")).toBe(true);
  });
});

describe("OS plugins", () => {
  test("take a connector as input, own it, and expose its physical memory", () => {
    const before = probe.testmem_live_instances();
    const connector = inventory.instantiateConnector("testmem", undefined, ":size=2000");
    connector.write(0x100, new Uint8Array([1, 2, 3]));
    const os = inventory.instantiateOs("testos", connector);
    expect(connector.closed).toBe(true);
    expect(memflowError(() => connector.read(0, 1)).is("Ffi", "Uninitialized")).toBe(true);
    const memory = os.physicalMemory();
    expect(memory?.read(0x100, 3)).toEqual(new Uint8Array([1, 2, 3]));
    expect(memory?.metadata().realSize).toBe(0x2000n);
    os.close();
    expect(probe.testmem_live_instances()).toBe(before);
    expect(memflowError(() => memory?.read(0, 1)).is("Ffi", "Uninitialized")).toBe(true);
  });

  test("the builder chains a connector into an OS", () => {
    using os = inventory.builder().connector("testmem").args(":size=1000,fill=5").os("testos").build();
    expect(os.physicalMemory()?.read(0, 2)).toEqual(new Uint8Array([5, 5]));
  });

  test("a TypeScript connector is the input of a native OS plugin, which owns it and closes it once", () => {
    const bytes = new Uint8Array(0x2000);
    const scripted = bufferConnector(bytes);
    const local = Inventory.scanPath(directory, { host: hostFor("linux", process.arch) }).register(scripted.definition);
    bytes.set([7, 8, 9], 0x100);
    const held = scriptInputsHeld();
    const os = local.instantiateOs("testos", local.instantiateConnector("scripted"));
    const memory = os.physicalMemory();
    expect(memory?.metadata().realSize).toBe(0x2000n);
    expect(memory?.read(0x100, 3)).toEqual(new Uint8Array([7, 8, 9]));
    memory?.write(0x200, new Uint8Array([1, 2]));
    expect(bytes.subarray(0x200, 0x202)).toEqual(new Uint8Array([1, 2]));
    // A read past the end is short, and a throwing read fails, as a native connector's would.
    expect(memflowError(() => memory?.read(0x1fff, 2)).kind).toBe("PartialData");
    scripted.failing = true;
    const [failed] = memory?.readMany([{ address: 0x100, length: 3 }]) ?? [];
    expect(failed?.ok).toBe(false);
    scripted.failing = false;
    expect(scripted.closes).toBe(0);
    os.close();
    expect(scripted.closes).toBe(1);
    expect(scriptInputsHeld()).toBe(held);
  });

  test("an OS plugin that needs a connector fails without one, with its encoded error", () => {
    expect(memflowError(() => inventory.instantiateOs("testos")).is("ArgsValidator", "ArgNotExists")).toBe(true);
  });
});

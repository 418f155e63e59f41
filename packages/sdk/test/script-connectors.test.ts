/**
 * Connectors written in TypeScript: registered with an inventory, they are found, started,
 * chained and listed like native plugins, and the TypeScript dummy passes the harness.
 */
import { describe, expect, test } from "bun:test";
import { ArgsValidator, chainArguments, Inventory, MemflowError, OsChain } from "@memflow-ts/core";
import { DummyMemory, defineConnector, dummyConnector } from "../src/index.ts";
import { describePlugin } from "../src/testing/index.ts";

describePlugin({ definition: dummyConnector }, { sampleArgs: [":size=10k"], badArgs: [":size=4M", ":colour=red"] });

const pattern = defineConnector({
  name: "pattern",
  version: "1.0.0",
  description: "read-only memory where every byte is its address modulo 251",
  help: "pattern: read-only test memory",
  args: new ArgsValidator().arg({ name: "size" }),
  targets: () => ["small", "large"],
  create(args) {
    const size = Number.parseInt(args.extraArgs.get("size") ?? "1000", 16);
    return {
      metadata: () => ({ realSize: size }),
      read(address, buffer) {
        const start = Number(address);
        const count = Math.max(0, Math.min(buffer.length, size - start));
        for (let index = 0; index < count; index += 1) buffer[index] = (start + index) % 251;
        return count;
      },
    };
  },
});

describe("TypeScript connectors in an inventory", () => {
  test("are listed as builtin connectors and started by name, with their arguments checked", () => {
    const inventory = Inventory.empty().register(pattern).register(dummyConnector);
    expect(inventory.availableConnectors()).toEqual(["dummy", "pattern"]);
    const entry = inventory.plugins().find((plugin) => plugin.descriptors[0]?.name === "pattern");
    expect(entry).toMatchObject({ origin: "builtin", path: "builtin:pattern", loaded: true });
    expect(entry?.descriptors[0]?.export_name).toBe("MEMFLOW_CONNECTOR_PATTERN");

    using connector = inventory.instantiateConnector("pattern", undefined, ":size=100");
    expect(connector.origin).toBe("builtin");
    expect(connector.metadata()).toEqual({
      maxAddress: 0xffn,
      realSize: 0x100n,
      readonly: true,
      idealBatchSize: 0xffffffff,
    });
    expect([...connector.read(250, 3)]).toEqual([250, 0, 1]);
    expect(connector.readMany([{ address: 0xfe, length: 4 }])[0]).toMatchObject({ done: 2, failed: 2, ok: false });
    expect(connector.writeMany([{ address: 0, data: new Uint8Array([1]) }])[0]).toMatchObject({ done: 0, failed: 1 });
    expect(inventory.connectorHelp("pattern")).toBe("pattern: read-only test memory");
    expect(inventory.connectorTargetList("pattern")).toEqual(["small", "large"]);

    let refused: unknown;
    try {
      inventory.instantiateConnector("pattern", undefined, ":colour=red");
    } catch (error) {
      refused = error;
    }
    expect(refused instanceof MemflowError && refused.is("ArgsValidator", "ArgNotExists")).toBe(true);
  });

  test("work in the builder and in command-line chains", () => {
    const inventory = Inventory.empty().register(dummyConnector);
    using connector = inventory.builder().connector("dummy").args(":size=1m").build();
    connector.write(0x10, new Uint8Array([7, 8]));
    expect([...connector.read(0x10, 2)]).toEqual([7, 8]);
    const { connectors, osLayers } = chainArguments(["-c", "dummy::size=20k"]);
    expect(() => OsChain.fromArgs(connectors, osLayers)).toThrow(/last build step has to be a os/);
  });

  test("clones: independent copies when the memory can clone, shared otherwise, closed once", () => {
    const inventory = Inventory.empty().register(dummyConnector);
    using original = inventory.instantiateConnector("dummy", undefined, ":size=1k");
    using copy = original.clone();
    original.write(0, new Uint8Array([9]));
    expect(copy.read(0, 1)[0]).toBe(0);

    let closes = 0;
    const shared = defineConnector({
      name: "shared",
      version: "0.1.0",
      description: "memory without clone",
      create: () =>
        Object.assign(new DummyMemory(4096), {
          clone: undefined,
          close: () => {
            closes += 1;
          },
        }),
    });
    const sharing = Inventory.empty().register(shared);
    const first = sharing.instantiateConnector("shared");
    const second = first.clone();
    first.write(0, new Uint8Array([5]));
    expect(second.read(0, 1)[0]).toBe(5);
    first.close();
    expect(closes).toBe(0);
    second.close();
    second.close();
    expect(closes).toBe(1);
    expect(() => second.read(0, 1)).toThrow(/was closed/);
  });

  test("defineConnector refuses a name that cannot be part of a C symbol", () => {
    expect(() => defineConnector({ ...pattern, name: "bad name" })).toThrow(/letters, digits/);
  });
});

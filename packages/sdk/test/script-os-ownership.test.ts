/**
 * OS layers written in TypeScript keep the borrowing rules of decision 0012 as native ones do,
 * close in Rust's drop order whatever order the user closes in, report a throwing layer as
 * (OsLayer, Unknown) naming it, and sit in chains mixing native and TypeScript steps.
 */
import { describe, expect, test } from "bun:test";
import { defineOs, Inventory, type Os, type ScriptOsParts } from "@memflow-ts/core";
import { dummyConnector } from "../src/index.ts";
import { errorOf, inventory } from "./support/dummy-os-inventory.ts";
import { TABLE_VIRTUAL_BASE, tableOs } from "./support/table-os.ts";

/** The table OS, recording when its parts are closed and whether its connector was still open then. */
const closes: string[] = [];
const recording = defineOs({
  name: "recording",
  version: "0.1.0",
  description: "the table OS, recording its closes",
  create(input, args): ScriptOsParts {
    const parts = tableOs.create(input, args);
    return {
      ...parts,
      process(info) {
        return { ...parts.process(info), close: () => closes.push(`process ${info.pid}`) };
      },
      close: () => closes.push(`os (connector ${input?.closed ? "closed" : "open"})`),
    };
  },
});

function fail(): never {
  throw new RangeError("offset out of range");
}

/** Fails in the places a buggy layer would: start, a list, a process's memory. */
const broken = defineOs({
  name: "broken",
  version: "0.1.0",
  description: "an OS layer whose code throws",
  create(input, args): ScriptOsParts {
    if (args.extraArgs.get("at") === "start") throw new TypeError("cannot read properties of undefined");
    const parts = tableOs.create(input, args);
    return {
      ...parts,
      processInfoList: () => {
        throw new Error("boom\u001b[31m");
      },
      // The author's own lookup, used instead of memflow's default (a search of the list).
      processInfoByPid: (pid) => parts.processInfoList().find((info) => info.pid === pid),
      process: (info) => ({
        ...parts.process(info),
        memory: { read: fail, readInto: fail, readMany: fail, write: fail, writeMany: fail },
      }),
    };
  },
});

inventory.register(tableOs).register(recording).register(broken);
/** TypeScript steps only: the SDK's TypeScript dummy connector (the shared inventory's dummy is the native one). */
const scriptsOnly = Inventory.empty().register(dummyConnector).register(tableOs);

function openOver(
  name: string,
  osArgs = ":procs=4",
): { os: Os; connector: ReturnType<typeof inventory.instantiateConnector> } {
  const connector = inventory.instantiateConnector("dummy", undefined, ":size=1m");
  return { connector, os: inventory.instantiateOs(name, connector, osArgs) };
}

describe("borrowing (decision 0012)", () => {
  test("a process from processBy… makes the OS refuse other calls, naming it, until it is closed", () => {
    using opened = openOver("table").os;
    const physical = opened.physicalMemory();
    const process = opened.processByPid(103);
    const lent = errorOf(() => opened.processInfoList());
    expect(lent.is("OsLayer", "AlreadyExists")).toBe(true);
    expect(lent.message).toContain("os table is lent to process worker3 (pid 103)");
    expect(errorOf(() => opened.processByPid(100)).is("OsLayer", "AlreadyExists")).toBe(true);
    expect(errorOf(() => physical?.read(0, 4)).is("OsLayer", "AlreadyExists")).toBe(true);
    // Refused before anything moves: the OS is not spent.
    expect(errorOf(() => opened.intoProcessByPid(100)).is("OsLayer", "AlreadyExists")).toBe(true);
    expect(opened.closed).toBe(false);

    expect(process.read(TABLE_VIRTUAL_BASE, 1)[0]).toBe(103);
    process.close();
    expect(opened.processInfoList()).toHaveLength(4);
    expect(physical?.read(0, 4)).toHaveLength(4);
  });

  test("closing the OS closes its process first, then the OS, then the connector; later closes do nothing", () => {
    closes.length = 0;
    const { os, connector } = openOver("recording");
    const process = os.processByName("shell");
    os.close();
    expect(closes).toEqual(["process 102", "os (connector open)"]);
    expect([process.closed, os.closed, connector.closed]).toEqual([true, true, true]);
    process.close();
    os.close();
    expect(closes).toHaveLength(2);
    expect(errorOf(() => process.read(TABLE_VIRTUAL_BASE, 1)).is("Ffi", "Uninitialized")).toBe(true);
    expect(errorOf(() => os.processInfoList()).is("Ffi", "Uninitialized")).toBe(true);
  });

  test("intoProcessBy… moves the OS into the process, which closes it and its connector when closed", () => {
    closes.length = 0;
    const { os, connector } = openOver("recording");
    const process = os.intoProcessByName("init");
    expect(os.closed).toBe(true);
    expect(errorOf(() => os.processInfoList()).message).toContain("moved into process init (pid 100)");
    os.close();
    expect(connector.closed).toBe(false);
    expect(process.read(TABLE_VIRTUAL_BASE, 1)[0]).toBe(100);
    process.close();
    expect(closes).toEqual(["process 100", "os (connector open)"]);
    expect(connector.closed).toBe(true);
  });

  test("an intoProcessBy… that fails still spends the OS, and drops it with its connector", () => {
    const { os, connector } = openOver("table");
    expect(errorOf(() => os.intoProcessByPid(4242)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect([os.closed, connector.closed]).toEqual([true, true]);
  });
});

describe("a TypeScript OS layer that throws", () => {
  test("failing to start is (OsLayer, Unknown) naming it, and the connector moved into it is closed", () => {
    const connector = inventory.instantiateConnector("dummy", undefined, ":size=1m");
    const failure = errorOf(() => inventory.instantiateOs("broken", connector, ":at=start"));
    expect(failure.is("OsLayer", "Unknown")).toBe(true);
    expect(failure.message).toContain("(os broken failed to start: TypeError: cannot read properties of undefined)");
    expect(failure.cause).toBeInstanceOf(TypeError);
    expect(connector.closed).toBe(true);
  });

  test("a call that throws is (OsLayer, Unknown) naming the OS or process and the call; the OS stays usable", () => {
    using os = inventory.builder().connector("dummy").args(":size=1m").os("broken").build();
    const failure = errorOf(() => os.processInfoList());
    expect(failure.is("OsLayer", "Unknown")).toBe(true);
    // Kept as the layer wrote it; the CLI escapes it before a terminal shows it, as any plugin text.
    expect(failure.message).toContain("(os broken: processInfoList: Error: boom\u001b[31m)");
    const info = os.processInfoByPid(100);
    expect(info.name).toBe("init");
    using process = os.processByInfo(info);
    const read = errorOf(() => process.read(TABLE_VIRTUAL_BASE, 1));
    expect(read.is("OsLayer", "Unknown")).toBe(true);
    expect(read.message).toContain("(process init (pid 100) of os broken: read: RangeError: offset out of range)");
  });
});

describe("chains mixing native and TypeScript steps", () => {
  test("a native connector or a TypeScript one under a TypeScript OS", () => {
    using overNative = inventory.builder().connector("dummy").args(":size=1m").os("table").build();
    expect(overNative.processInfoList()).toHaveLength(3);
    using overScript = scriptsOnly.builder().connector("dummy").args(":size=1m").os("table").args(":procs=2").build();
    expect(overScript.processInfoByName("init").pid).toBe(100);
    expect(overScript.physicalMemory()?.metadata().realSize).toBe(0x10_0000n);
  });

  test("a TypeScript connector under a native OS, which closes it with itself", () => {
    const scripted = scriptsOnly.instantiateConnector("dummy", undefined, ":size=1m");
    expect(scripted.origin).toBe("builtin");
    const os = inventory.instantiateOs("dummy", scripted, ":procs=1");
    expect(os.processInfoList().length).toBeGreaterThan(0);
    os.close();
    expect(scripted.closed).toBe(true);
  });
});

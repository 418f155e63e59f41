/**
 * OS layers written in TypeScript (core's `defineOs` and script host): the table OS of
 * support/table-os.ts over the native dummy connector, found, started and chained like a native
 * OS plugin, through the same Os and Process calls, with memflow's defaults and errors.
 */
import { describe, expect, test } from "bun:test";
import { type Connector, chainArguments, type Inventory, OsChain, TransferBatch } from "@memflow-ts/core";
import { errorOf, hex, inventory } from "./support/dummy-os-inventory.ts";
import { TABLE_KERNEL_BASE, TABLE_VIRTUAL_BASE, tableOs } from "./support/table-os.ts";

inventory.register(tableOs);

/** The native dummy connector, and the table OS over it (the connector kept to check its end). */
function openTable(osArgs = ":procs=4,pages=2"): { connector: Connector; os: ReturnType<Inventory["instantiateOs"]> } {
  const connector = inventory.instantiateConnector("dummy", undefined, ":size=1m");
  const os = inventory.instantiateOs("table", connector, osArgs);
  return { connector, os };
}

describe("a TypeScript OS in the inventory", () => {
  test("is listed beside the native dummy OS, as a builtin OS plugin with its descriptor", () => {
    // Newest first, as every entry: the registered definition is newer than any file. (Other
    // test files may register more OS layers in the same shared inventory.)
    const names = inventory.availableOs();
    expect(names).toContain("dummy");
    expect(names.indexOf("table")).toBeGreaterThanOrEqual(0);
    expect(names.indexOf("table")).toBeLessThan(names.indexOf("dummy"));
    const entry = inventory.plugins().find((plugin) => plugin.path === "builtin:os/table");
    expect(entry).toMatchObject({ origin: "builtin", loaded: true });
    expect(entry?.descriptors[0]).toMatchObject({
      plugin_kind: "os",
      export_name: "MEMFLOW_OS_TABLE",
      name: "table",
      version: "0.1.0",
    });
    expect(inventory.osHelp("table")).toContain("procs=<n>");
  });

  test("is built over the native dummy connector by the builder, and from command-line chains", () => {
    using built = inventory.builder().connector("dummy").args(":size=1m").os("table").args(":procs=2").build();
    expect(built.processInfoList().map((info) => info.pid)).toEqual([100, 101]);

    const { connectors, osLayers } = chainArguments(["-c", "dummy::size=1m", "-o", "table::procs=5,pages=1"]);
    using chained = inventory.builder().osChain(OsChain.fromArgs(connectors, osLayers)).build();
    expect(chained.processInfoList().map((info) => info.name)).toEqual([
      "init",
      "shell",
      "shell",
      "worker3",
      "worker4",
    ]);
  });

  test("checks its arguments before create, and the input connector is closed when it does not start", () => {
    const connector = inventory.instantiateConnector("dummy", undefined, ":size=1m");
    expect(
      errorOf(() => inventory.instantiateOs("table", connector, ":colour=red")).is("ArgsValidator", "ArgNotExists"),
    ).toBe(true);
    expect(connector.closed).toBe(true);
    expect(errorOf(() => inventory.instantiateOs("table")).is("OsLayer", "Configuration")).toBe(true);
  });
});

describe("processes of a TypeScript OS", () => {
  test("are read back from the table in physical memory, found by pid, address and name", () => {
    using opened = openTable().os;
    const list = opened.processInfoList();
    expect(list.map((info) => [info.pid, info.name, info.state.kind])).toEqual([
      [100, "init", "Alive"],
      [101, "shell", "Dead"],
      [102, "shell", "Alive"],
      [103, "worker3", "Alive"],
    ]);
    expect(opened.processAddressList()).toEqual(list.map((info) => info.address));
    for (const info of list) {
      expect(opened.processInfoByPid(info.pid)).toEqual(info);
      expect(opened.processInfoByAddress(info.address)).toEqual(info);
    }
    // memflow's default by-name lookup skips dead processes: the live shell is pid 102.
    expect(opened.processInfoByName("shell").pid).toBe(102);
  });

  test("unknown pids, addresses and names fail with (OsLayer, ProcessNotFound); bad pids with InvalidArgument", () => {
    using opened = openTable().os;
    expect(errorOf(() => opened.processInfoByPid(7)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => opened.processInfoByAddress(0x99)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => opened.processInfoByName("nobody")).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => opened.processByPid(7)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => opened.processInfoByPid(-1)).is("OsLayer", "InvalidArgument")).toBe(true);
    expect(errorOf(() => opened.processByName("nobody")).message).toContain("os table");
  });

  test("read the bytes the connector holds at their physical pages, zero-filling what is not mapped", () => {
    using opened = openTable().os;
    const physical = opened.physicalMemory();
    if (physical === undefined) throw new Error("the table OS offers its physical memory");
    const info = opened.processInfoByPid(103);
    const expected = physical.read(info.dtb1, 0x2000);
    expect(expected[0]).toBe(103);
    using process = opened.processByInfo(info);
    expect(hex(process.read(TABLE_VIRTUAL_BASE, 0x2000))).toBe(hex(expected));

    const [inside, across, outside] = process.readMany([
      { address: TABLE_VIRTUAL_BASE + 0x10n, length: 16 },
      { address: TABLE_VIRTUAL_BASE + 0x1ff8n, length: 16 },
      { address: 0x1000, length: 8 },
    ]);
    expect(inside).toMatchObject({ done: 16, failed: 0, ok: true });
    expect(across).toMatchObject({ done: 8, failed: 8, ok: false });
    expect(hex(across?.data.subarray(8) ?? new Uint8Array(1))).toBe("0000000000000000");
    expect(outside).toMatchObject({ done: 0, failed: 8, ok: false });
    expect(errorOf(() => process.read(TABLE_VIRTUAL_BASE + 0x1ff8n, 16)).is("VirtualMemory", "PartialData")).toBe(true);

    process.write(TABLE_VIRTUAL_BASE + 4n, new Uint8Array([0xde, 0xad]));
    const batch = new TransferBatch(2);
    batch.add(TABLE_VIRTUAL_BASE, new Uint8Array(8));
    batch.add(0x2000, new Uint8Array(4));
    process.run(batch);
    expect(hex(batch.buffer(0) ?? new Uint8Array())).toBe(
      `${hex(expected.subarray(0, 4))}dead${hex(expected.subarray(6, 8))}`,
    );
    expect([batch.done(1), batch.failed(1)]).toEqual([0, 4]);
    expect(process.metadata()).toMatchObject({ archBits: 64, littleEndian: true, maxAddress: (1n << 64n) - 1n });
  });

  test("answer every module call, with memflow's errors for what is not there", () => {
    using opened = openTable().os;
    using process = opened.processByName("worker3");
    expect(process.info().pid).toBe(103);
    expect(process.state()).toEqual({ kind: "Alive" });
    const primary = process.primaryModule();
    expect(primary).toMatchObject({ name: "worker3.bin", base: TABLE_VIRTUAL_BASE, size: 0x2000n });
    expect(process.primaryModuleAddress()).toBe(primary.address);
    expect(process.moduleList()).toEqual([primary]);
    expect(process.moduleAddressList()).toEqual([{ address: primary.address, arch: primary.arch }]);
    expect(process.moduleByName("worker3.bin")).toEqual(primary);
    expect(process.moduleByAddress(primary.address, primary.arch)).toEqual(primary);
    expect(process.moduleList({ kind: "X86", bits: 32, addressExtensions: false })).toEqual([]);
    expect(process.moduleExportByName(primary, "entry").offset).toBe(0x10n);
    expect(process.moduleImportByName(primary, "puts").offset).toBe(0x20n);
    expect(process.moduleSectionByName(primary, ".data")).toMatchObject({ base: TABLE_VIRTUAL_BASE + 0x1000n });
    expect(process.mappedMemRange(-1)).toEqual([{ address: TABLE_VIRTUAL_BASE, size: 0x2000n, pageType: 4 }]);

    expect(errorOf(() => process.moduleByName("nope.dll")).is("OsLayer", "ModuleNotFound")).toBe(true);
    expect(errorOf(() => process.moduleExportByName(primary, "nope")).is("OsLayer", "ExportNotFound")).toBe(true);
    expect(errorOf(() => process.moduleImportByName(primary, "nope")).is("OsLayer", "ImportNotFound")).toBe(true);
    expect(errorOf(() => process.moduleSectionByName(primary, "nope")).is("OsLayer", "SectionNotFound")).toBe(true);
    expect(errorOf(() => process.virtToPhys(TABLE_VIRTUAL_BASE)).is("OsLayer", "UnsupportedOptionalFeature")).toBe(
      true,
    );
    expect(errorOf(() => process.setDtb(0x1000)).is("OsLayer", "NotSupported")).toBe(true);
    process.close();

    // The kernel's modules, and the optional parts the table OS does not offer.
    expect(opened.moduleList().map((module) => module.name)).toEqual(["kernel.sys"]);
    expect(opened.primaryModule().base).toBe(TABLE_KERNEL_BASE);
    expect(opened.moduleAddressList()).toEqual([TABLE_KERNEL_BASE]);
    expect(opened.moduleExportList(opened.primaryModule())).toEqual([]);
    expect(errorOf(() => opened.moduleByName("hal.dll")).is("OsLayer", "ModuleNotFound")).toBe(true);
    expect(opened.info()).toMatchObject({ base: TABLE_KERNEL_BASE });
    expect([opened.memoryView(), opened.virtualTranslate(), opened.keyboard()]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(errorOf(() => opened.intoKeyboard()).is("OsLayer", "UnsupportedOptionalFeature")).toBe(true);
    expect(opened.closed).toBe(false);
  });
});

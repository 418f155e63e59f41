/**
 * The bundled dummy OS plugin (native/dummy-os.c) against its contract (native/dummy-os.md):
 * processes, modules, arguments and seeds, owning processes. Driven through core's Inventory
 * over the bundled dummy connector, as `memflow-ts … -c dummy -o dummy` does.
 */
import { describe, expect, test } from "bun:test";
import { INVALID_ADDRESS, type ModuleInfo } from "@memflow-ts/core";
import { dummyOsBytes, KIB4 } from "../src/dummy-os/content.ts";
import { errorOf, hex, inventory, openOs, sharedOs } from "./support/dummy-os-inventory.ts";

describe("processes", () => {
  const shared = sharedOs("size=8m", "procs=3,seed=7");

  test("lists procs processes, pids 1 to n, named dummy<pid>, alive, x86_64, with their dtb", () => {
    const os = shared();
    const list = os.processInfoList();
    expect(list.map((info) => [info.pid, info.name, info.path, info.commandLine])).toEqual([
      [1, "dummy1", "/usr/bin/dummy1", "/usr/bin/dummy1 --seed 7"],
      [2, "dummy2", "/usr/bin/dummy2", "/usr/bin/dummy2 --seed 7"],
      [3, "dummy3", "/usr/bin/dummy3", "/usr/bin/dummy3 --seed 7"],
    ]);
    for (const info of list) {
      expect(info.state).toEqual({ kind: "Alive" });
      expect(info.sysArch).toEqual({ kind: "X86", bits: 64, addressExtensions: false });
      expect(info.procArch).toEqual(info.sysArch);
      expect(info.dtb2).toBe(INVALID_ADDRESS);
      expect(info.dtb1 % BigInt(KIB4)).toBe(0n);
      // The process's address is its base: 2 GiB-aligned in [4 GiB, 16 TiB).
      expect(info.address % 0x8000_0000n).toBe(0n);
      expect(info.address >= 0x1_0000_0000n && info.address < 1n << 44n).toBe(true);
    }
    expect(new Set(list.map((info) => info.address)).size).toBe(3);
    expect(os.processAddressList()).toEqual(list.map((info) => info.address));
  });

  test("finds every process by pid, by name and by address", () => {
    const os = shared();
    for (const info of os.processInfoList()) {
      expect(os.processInfoByPid(info.pid)).toEqual(info);
      expect(os.processInfoByName(info.name)).toEqual(info);
      expect(os.processInfoByAddress(info.address)).toEqual(info);
    }
  });

  test("unknown pids, names and addresses fail with (OsLayer, ProcessNotFound)", () => {
    const os = shared();
    expect(errorOf(() => os.processInfoByPid(4)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => os.processInfoByName("dummy4")).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => os.processInfoByName("dummy")).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => os.processInfoByAddress(0x1234n)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => os.processByPid(99)).is("OsLayer", "ProcessNotFound")).toBe(true);
  });
});

describe("modules and their images", () => {
  const shared = sharedOs("size=8m", "procs=2,seed=7");

  test("the executable comes first, libraries follow at base + j MiB, each 8 to 15 pages", () => {
    const os = shared();
    for (const info of os.processInfoList()) {
      using process = os.processByPid(info.pid);
      const modules = process.moduleList();
      expect(modules.length).toBeGreaterThanOrEqual(2);
      expect(modules.length).toBeLessThanOrEqual(4);
      expect(modules.map((module) => module.name)).toEqual(
        [info.name, "libc.so.6", "libm.so.6", "libdummy.so"].slice(0, modules.length),
      );
      expect(modules[0]?.path).toBe(info.path);
      modules.forEach((module, index) => {
        expect(module.base).toBe(info.address + BigInt(index) * 0x10_0000n);
        expect(module.address).toBe(module.base);
        expect(module.parentProcess).toBe(info.address);
        expect(module.size % BigInt(KIB4)).toBe(0n);
        expect(module.size / BigInt(KIB4) >= 8n && module.size / BigInt(KIB4) <= 15n).toBe(true);
        expect(process.moduleByName(module.name)).toEqual(module);
        expect(process.moduleByAddress(module.address, module.arch)).toEqual(module);
      });
      expect(process.primaryModule()).toEqual(modules[0] as ModuleInfo);
      expect(process.primaryModuleAddress()).toBe(info.address);
      expect(process.moduleAddressList().map((entry) => entry.address)).toEqual(
        modules.map((module) => module.address),
      );
      expect(process.moduleList({ kind: "X86", bits: 32, addressExtensions: false })).toEqual([]);
    }
  });

  test("exports lie inside their module at the contract's offsets, with imports and sections", () => {
    const os = shared();
    using process = os.processByPid(1);
    for (const module of process.moduleList()) {
      const exports = process.moduleExportList(module);
      expect(exports.length).toBeGreaterThanOrEqual(2);
      expect(exports.map((entry) => entry.name)).toEqual(
        ["start", "run", "stop", "open", "close"].slice(0, exports.length),
      );
      exports.forEach((entry, index) => {
        expect(entry.offset).toBe(0x1000n + 0x100n * BigInt(index));
        expect(entry.offset < module.size).toBe(true);
        expect(process.moduleExportByName(module, entry.name)).toEqual(entry);
      });
      const imports = process.moduleImportList(module);
      expect(imports.map((entry) => [entry.name, entry.offset])).toEqual(
        [
          ["malloc", 0x3000n],
          ["free", 0x3008n],
          ["memcpy", 0x3010n],
        ].slice(0, imports.length),
      );
      expect(imports.length).toBeGreaterThanOrEqual(1);
      expect(process.moduleSectionList(module)).toEqual([
        { name: ".text", base: module.base + 0x1000n, size: 0x2000n },
        { name: ".rodata", base: module.base + 0x3000n, size: 0x1000n },
        { name: ".data", base: module.base + 0x4000n, size: module.size - 0x4000n },
      ]);
      expect(process.moduleSectionByName(module, ".data").base).toBe(module.base + 0x4000n);
    }
  });

  test("unknown modules, exports, imports and sections give memflow's errors", () => {
    const os = shared();
    using process = os.processByPid(2);
    const module = process.primaryModule();
    expect(errorOf(() => process.moduleByName("missing.so")).is("OsLayer", "ModuleNotFound")).toBe(true);
    expect(
      errorOf(() => process.moduleByAddress(module.address + 1n, module.arch)).is("OsLayer", "ModuleNotFound"),
    ).toBe(true);
    expect(errorOf(() => process.moduleExportByName(module, "missing")).is("OsLayer", "ExportNotFound")).toBe(true);
    expect(errorOf(() => process.moduleImportByName(module, "missing")).is("OsLayer", "ImportNotFound")).toBe(true);
    expect(errorOf(() => process.moduleSectionByName(module, ".bss")).is("OsLayer", "SectionNotFound")).toBe(true);
    const stranger = { ...module, base: module.base + 0x1000n };
    expect(errorOf(() => process.moduleExportList(stranger)).is("Other", "InvalidExeFile")).toBe(true);
  });
});

describe("seeds and arguments", () => {
  function snapshot(osArgs: string): string[] {
    using os = openOs("size=4m", osArgs);
    return os.processInfoList().flatMap((info) => {
      using process = os.processByPid(info.pid);
      const modules = process.moduleList();
      return [
        `${info.pid} ${info.address} ${info.dtb1}`,
        ...modules.map(
          (module) => `${module.name} ${module.base} ${module.size} ${process.moduleExportList(module).length}`,
        ),
        hex(process.read(modules[0]?.base ?? 0n, 16)),
      ];
    });
  }

  test("the same seed lays out the same OS, another seed another", () => {
    const first = snapshot("procs=3,seed=42");
    expect(snapshot("procs=3,seed=42")).toEqual(first);
    expect(snapshot("procs=3,seed=43")).not.toEqual(first);
    expect(snapshot("procs=3")).toEqual(snapshot("procs=3,seed=1"));
  });

  test("its help names the three arguments", () => {
    const help = inventory.osHelp("dummy");
    for (const key of ["size:", "procs:", "seed:"]) expect(help).toContain(`\n${key}`);
  });

  test("without procs there is one process, as in memflow's dummy", () => {
    using os = openOs("size=4m", "seed=5");
    expect(os.processInfoList().map((info) => info.pid)).toEqual([1]);
  });

  test("bad arguments fail with memflow's argument errors", () => {
    const failure = (osArgs: string, connectorArgs = "size=4m") => errorOf(() => openOs(connectorArgs, osArgs));
    expect(failure("colour=red").is("ArgsValidator", "ArgNotExists")).toBe(true);
    expect(failure("procs=many").is("ArgsValidator", "ArgValidation")).toBe(true);
    expect(failure("procs=-1").is("ArgsValidator", "ArgValidation")).toBe(true);
    expect(failure("seed=0x").is("ArgsValidator", "ArgValidation")).toBe(true);
    expect(failure("size=4q").is("Connector", "InvalidMemorySizeUnit")).toBe(true);
    expect(failure("size=4M").is("Connector", "InvalidMemorySize")).toBe(true); // memflow trims units case-sensitively
    expect(failure("size=8m").is("ArgsValidator", "ArgValidation")).toBe(true); // more than the connector has
    expect(failure("procs=400", "size=1m").is("ArgsValidator", "ArgValidation")).toBe(true); // no room
  });

  test("without an input it lays out in memory of its own of `size`", () => {
    using os = inventory.instantiateOs("dummy", undefined, ":size=4m,procs=2,seed=7");
    expect(os.physicalMemory()?.metadata().realSize).toBe(0x40_0000n);
    using same = openOs("size=4m", "procs=2,seed=7");
    expect(os.processInfoList()).toEqual(same.processInfoList());
  });
});

describe("owning processes", () => {
  test("a process from intoProcessByPid owns the OS and reads as a borrowed one", () => {
    const os = openOs("size=4m", "procs=2,seed=9");
    const info = os.processInfoByPid(2);
    using process = os.intoProcessByPid(2);
    expect(os.closed).toBe(true);
    expect(process.info()).toEqual(info);
    const base = process.primaryModule().base;
    expect(hex(process.read(base, 16))).toBe(hex(dummyOsBytes(9n, 2, base, 16)));
  });

  test("an unknown pid spends the OS and fails with ProcessNotFound", () => {
    const os = openOs("size=4m", "procs=1");
    expect(errorOf(() => os.intoProcessByPid(7)).is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(os.closed).toBe(true);
  });
});

/**
 * A process of a native OS plugin (src/ffi/native-process.ts) against the real testos plugin
 * over the real testmem connector: every value below is test-os.md's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { INVALID_ADDRESS, type ModuleInfo, type Os, type ProcessInfo } from "../src/index.ts";
import { buildTestos, expectMemflowError, FIXED_PROCESSES, processBytes, X86_32, X86_64 } from "./support/testos.ts";
import { openLedger } from "./support/testos-ledger.ts";

const plugins = buildTestos("memflow-ts-process-");
const ledger = openLedger(plugins);
afterAll(() => plugins.remove());

/** Opens the full build, with `extraArgs`, for `check`. */
const withOs = (check: (os: Os) => void, extraArgs?: string) => plugins.withOs(check, "testos", extraArgs);
const PROCESSES = FIXED_PROCESSES;

/** Module `index` of fixed process k (test-os.md's module table). */
function moduleOf(info: ProcessInfo, index: 0 | 1 | 2): ModuleInfo {
  const address = info.address + BigInt((index + 1) * 0x100);
  const common = { address, parentProcess: info.address };
  if (index === 0)
    return { ...common, base: 0x400000n, size: 0x10000n, name: info.name, path: info.path, arch: info.procArch };
  if (index === 1)
    return {
      ...common,
      base: 0x7f0000000000n,
      size: 0x200000n,
      name: "libc.so.6",
      path: "/lib/libc.so.6",
      arch: info.procArch,
    };
  return {
    ...common,
    base: 0x7ff000000000n,
    size: 0x100000n,
    name: "wow64.dll",
    path: "C:\\Windows\\System32\\wow64.dll",
    arch: X86_64,
  };
}

const [INIT, DEAD_SHELL, SHELL, LEGACY, DAEMON] = PROCESSES as [
  ProcessInfo,
  ProcessInfo,
  ProcessInfo,
  ProcessInfo,
  ProcessInfo,
];

describe("info and state", () => {
  test("info() gives every field of each fixed process, strings in UTF-8, 32-bit procArch for legacy32", () => {
    withOs((os) => {
      for (const expected of PROCESSES) {
        using process = os.processByPid(expected.pid);
        expect(process.info()).toEqual(expected);
        expect(Object.isFrozen(process.info())).toBe(true);
      }
    });
  });

  test("generated processes have their own names, paths, pids and dtbs", () => {
    withOs((os) => {
      using process = os.processByPid(10002);
      expect(process.info()).toEqual({
        address: 0x100002000n,
        pid: 10002,
        state: { kind: "Alive" },
        name: "proc2",
        path: "/usr/bin/proc2",
        commandLine: "/usr/bin/proc2 --index 2",
        sysArch: X86_64,
        procArch: X86_64,
        dtb1: 0x62000n,
        dtb2: INVALID_ADDRESS,
      });
      expect(process.moduleList()).toEqual([]);
      expect(process.mappedMemRange(-1)).toEqual([]);
    }, "processes=3");
  });

  test("state() is the plugin's answer now: Alive, Dead with its exit code, Unknown", () => {
    withOs((os) => {
      const states = PROCESSES.map((info) => {
        using process = os.processByAddress(info.address);
        return process.state();
      });
      expect(states).toEqual([
        { kind: "Alive" },
        { kind: "Dead", exitCode: 3 },
        { kind: "Alive" },
        { kind: "Alive" },
        { kind: "Unknown" },
      ]);
    });
  });

  test("setDtb reads another process's table through its dtb1, maps nothing for an unknown one, and shows in info()", () => {
    withOs((os) => {
      using process = os.processByPid(36);
      expect(process.read(0x400000, 16)).toEqual(processBytes(2, 0x400000, 16));
      process.setDtb(INIT.dtb1);
      expect(process.info()).toMatchObject({ dtb1: 0x10000n, dtb2: INVALID_ADDRESS });
      expect(process.read(0x400000, 16)).toEqual(processBytes(0, 0x400000, 16));
      // init's table includes its 1 MiB region, which shell's own table does not.
      expect(process.read(0x10000000, 4)).toEqual(processBytes(0, 0x10000000, 4));
      process.setDtb(0x12345000n, 0x678000n);
      expect(process.info()).toMatchObject({ dtb1: 0x12345000n, dtb2: 0x678000n });
      expect(process.readMany([{ address: 0x400000, length: 8 }])).toEqual([
        { address: 0x400000n, data: new Uint8Array(8), done: 0, failed: 8, ok: false },
      ]);
      expect(process.mappedMemRange(-1)).toEqual([]);
      process.setDtb(SHELL.dtb1);
      expect(process.read(0x400000, 16)).toEqual(processBytes(2, 0x400000, 16));
    });
  });
});

describe("modules", () => {
  test("moduleAddressList and moduleList give every module, or one architecture's", () => {
    withOs((os) => {
      using process = os.processByPid(300);
      const all = [moduleOf(LEGACY, 0), moduleOf(LEGACY, 1), moduleOf(LEGACY, 2)];
      expect(process.moduleList()).toEqual(all);
      expect(process.moduleAddressList()).toEqual(all.map(({ address, arch }) => ({ address, arch })));
      expect(process.moduleList(X86_32)).toEqual(all.slice(0, 2));
      expect(process.moduleList(X86_64)).toEqual(all.slice(2));
      expect(process.moduleAddressList(X86_64)).toEqual([{ address: 0x4300n, arch: X86_64 }]);
      expect(process.moduleList({ kind: "AArch64", pageSize: 0x1000n })).toEqual([]);
    });
  });

  test("moduleByAddress needs the address and the architecture to match", () => {
    withOs((os) => {
      using process = os.processByPid(300);
      expect(process.moduleByAddress(0x4300n, X86_64)).toEqual(moduleOf(LEGACY, 2));
      expect(process.moduleByAddress(0x4100, X86_32)).toEqual(moduleOf(LEGACY, 0));
      const wrongArch = expectMemflowError(() => process.moduleByAddress(0x4300n, X86_32), "OsLayer", "ModuleNotFound");
      expect(wrongArch.message).toContain("0x4300");
      expectMemflowError(() => process.moduleByAddress(0x4400n, X86_64), "OsLayer", "ModuleNotFound");
    });
  });

  test("moduleByName matches exactly, in any architecture or in the one given", () => {
    withOs((os) => {
      using process = os.processByPid(300);
      expect(process.moduleByName("libc.so.6")).toEqual(moduleOf(LEGACY, 1));
      expect(process.moduleByName("wow64.dll")).toEqual(moduleOf(LEGACY, 2));
      expect(process.moduleByName("wow64.dll", X86_64)).toEqual(moduleOf(LEGACY, 2));
      expectMemflowError(() => process.moduleByName("wow64.dll", X86_32), "OsLayer", "ModuleNotFound");
      expectMemflowError(() => process.moduleByName("LIBC.so.6"), "OsLayer", "ModuleNotFound");
      expect(expectMemflowError(() => process.moduleByName("nope.dll"), "OsLayer", "ModuleNotFound").message).toContain(
        "nope.dll",
      );
    });
  });

  test("the primary module is module 0, in the process's own architecture", () => {
    withOs((os) => {
      for (const info of [LEGACY, DAEMON]) {
        using process = os.processByAddress(info.address);
        expect(process.primaryModuleAddress()).toBe(info.address + 0x100n);
        expect(process.primaryModule()).toEqual(moduleOf(info, 0));
      }
    });
  });

  test("imports, exports and sections of a module, listed and by name", () => {
    withOs((os) => {
      using process = os.processByPid(1);
      const libc = process.moduleByName("libc.so.6");
      expect(process.moduleImportList(libc)).toEqual([
        { name: "malloc", offset: 0x2000n },
        { name: "free", offset: 0x2008n },
      ]);
      expect(process.moduleExportList(libc)).toEqual([
        { name: "start", offset: 0x1000n },
        { name: "helper", offset: 0x1800n },
      ]);
      expect(process.moduleSectionList(libc)).toEqual([
        { name: ".text", base: 0x7f0000001000n, size: 0x2000n },
        { name: ".data", base: 0x7f0000003000n, size: 0x1000n },
      ]);
      expect(process.moduleImportByName(libc, "free")).toEqual({ name: "free", offset: 0x2008n });
      expect(process.moduleExportByName(libc, "helper")).toEqual({ name: "helper", offset: 0x1800n });
      expect(process.moduleSectionByName(libc, ".data")).toEqual({
        name: ".data",
        base: 0x7f0000003000n,
        size: 0x1000n,
      });
      const primary = process.primaryModule();
      expect(process.moduleSectionByName(primary, ".text")).toEqual({ name: ".text", base: 0x401000n, size: 0x2000n });
    });
  });

  test("unknown names and unknown modules fail with memflow's errors", () => {
    withOs((os) => {
      using process = os.processByPid(1);
      const libc = process.moduleByName("libc.so.6");
      expectMemflowError(() => process.moduleImportByName(libc, "calloc"), "OsLayer", "ImportNotFound");
      expectMemflowError(() => process.moduleExportByName(libc, "Start"), "OsLayer", "ExportNotFound");
      const section = expectMemflowError(() => process.moduleSectionByName(libc, ".bss"), "OsLayer", "SectionNotFound");
      expect(section.message).toContain(".bss in libc.so.6");
      // A module of another process (wow64.dll's base) is no image of this one.
      const stranger = { ...libc, base: 0x7ff000000000n, name: "wow64.dll" };
      expectMemflowError(() => process.moduleExportList(stranger), "Other", "InvalidExeFile");
      expectMemflowError(() => process.moduleImportByName(stranger, "malloc"), "Other", "InvalidExeFile");
    });
  });
});

describe("mappedMemRange", () => {
  const WRITEABLE = 4;
  const range = (address: number, size: number) => ({
    address: BigInt(address),
    size: BigInt(size),
    pageType: WRITEABLE,
  });

  test("gives the mapped runs around the hole, sorted, adjacent pages merged", () => {
    withOs((os) => {
      using process = os.processByPid(1);
      expect(process.mappedMemRange(-1)).toEqual([
        range(0x400000, 0x5000),
        range(0x406000, 0xa000),
        range(0x10000000, 0x100000),
      ]);
      expect(process.mappedMemRange(-1, 0, INVALID_ADDRESS)).toEqual(process.mappedMemRange(-1));
    });
  });

  test("fills an interior gap of at most gapSize bytes, and only those", () => {
    withOs((os) => {
      using process = os.processByPid(36);
      expect(process.mappedMemRange(0xfff)).toEqual([range(0x400000, 0x5000), range(0x406000, 0xa000)]);
      expect(process.mappedMemRange(0x1000)).toEqual([range(0x400000, 0x10000)]);
      expect(process.mappedMemRange(0x1000n)).toEqual([range(0x400000, 0x10000)]);
      process.close();
      using init = os.processByPid(1);
      const wide = 0x10000000 - 0x410000;
      expect(init.mappedMemRange(wide - 1)).toEqual([range(0x400000, 0x10000), range(0x10000000, 0x100000)]);
      expect(init.mappedMemRange(wide)).toEqual([range(0x400000, 0x10100000 - 0x400000)]);
    });
  });

  test("clips the runs to [start, end)", () => {
    withOs((os) => {
      using process = os.processByPid(1);
      expect(process.mappedMemRange(-1, 0x402000, 0x407000)).toEqual([
        range(0x402000, 0x3000),
        range(0x406000, 0x1000),
      ]);
      expect(process.mappedMemRange(0x1000, 0x402000, 0x407000)).toEqual([range(0x402000, 0x5000)]);
      expect(process.mappedMemRange(-1, 0x100ff000, 0x20000000)).toEqual([range(0x100ff000, 0x1000)]);
      expect(process.mappedMemRange(-1, 0x405000, 0x406000)).toEqual([]);
      expect(process.mappedMemRange(-1, 0x10000000)).toEqual([range(0x10000000, 0x100000)]);
    });
  });

  test("a range that ends before it starts is refused before the plugin sees it", () => {
    withOs((os) => {
      using process = os.processByPid(1);
      expectMemflowError(() => process.mappedMemRange(-1, 0x407000, 0x402000), "VirtualTranslate", "InvalidArgument");
      expect(process.mappedMemRange(-1, 0x402000, 0x402000)).toEqual([]);
    });
  });
});

describe("a process that owns the OS", () => {
  test("intoProcessByPid reads and lists modules as a borrowed one does; its close drops the OS and the connector", () => {
    const before = {
      os: ledger.read().testos_live,
      connectors: ledger.read().testmem_live_instances,
      owning: ledger.read().testos_live_owning_processes,
    };
    const violations = ledger.read().testos_borrow_violations;
    const borrowedOs = plugins.open();
    const borrowed = borrowedOs.processByPid(36);
    const requests = [
      { address: 0x404ff0, length: 0x20 },
      { address: 0x405800, length: 8 },
    ];
    const seen = { reads: borrowed.readMany(requests), modules: borrowed.moduleList(), info: borrowed.info() };
    borrowedOs.close();
    expect(borrowed.closed).toBe(true);
    // Closing the OS closed its process first: the plugin saw no OS call, or drop, while it was lent.
    expect(ledger.read().testos_borrow_violations).toBe(violations);

    const os = plugins.open();
    expect(ledger.read().testos_live).toBe(before.os + 1);
    const process = os.intoProcessByPid(36);
    expect(os.closed).toBe(true);
    expectMemflowError(() => os.processInfoList(), "Ffi", "Uninitialized");
    expect(ledger.read().testos_live_owning_processes).toBe(before.owning + 1);
    expect({ reads: process.readMany(requests), modules: process.moduleList(), info: process.info() }).toEqual(seen);
    expect(process.primaryModule()).toEqual(moduleOf(SHELL, 0));
    expect(process.moduleExportList(process.primaryModule())).toHaveLength(2);
    expect(process.read(0x404ff0, 16)).toEqual(processBytes(2, 0x404ff0, 16));

    process.close();
    expect(process.closed).toBe(true);
    expect({
      os: ledger.read().testos_live,
      connectors: ledger.read().testmem_live_instances,
      owning: ledger.read().testos_live_owning_processes,
    }).toEqual(before);
    expectMemflowError(() => process.read(0x400000, 1), "Ffi", "Uninitialized");
    expectMemflowError(() => process.info(), "Ffi", "Uninitialized");
    process.close();
    expect(ledger.read().testos_live).toBe(before.os);
  });

  test("an into… call that fails spends the OS all the same, and the plugin drops it", () => {
    const before = { os: ledger.read().testos_live, connectors: ledger.read().testmem_live_instances };
    const os = plugins.open();
    expectMemflowError(() => os.intoProcessByName("no such process"), "OsLayer", "ProcessNotFound");
    expect(os.closed).toBe(true);
    expect({ os: ledger.read().testos_live, connectors: ledger.read().testmem_live_instances }).toEqual(before);
    os.close();
    expect(ledger.read().testos_live).toBe(before.os);
  });
});

test("an integer the plugin cannot take as 64 bits is refused before the call, not sent as another value", () => {
  withOs((os) => {
    using process = os.processByPid(36);
    expectMemflowError(() => process.setDtb(2n ** 64n), "OsLayer", "InvalidArgument");
    expectMemflowError(() => process.setDtb(0x10000, 2 ** 60), "OsLayer", "InvalidArgument");
    expectMemflowError(() => process.moduleByAddress(Number.NaN, X86_64), "OsLayer", "InvalidArgument");
    expectMemflowError(() => process.mappedMemRange(1.5), "OsLayer", "InvalidArgument");
    expectMemflowError(() => process.mappedMemRange(2n ** 63n), "OsLayer", "InvalidArgument");
    expect(process.info().dtb1).toBe(SHELL.dtb1);
    expect(process.mappedMemRange(2n ** 63n - 1n)).toEqual([{ address: 0x400000n, size: 0x10000n, pageType: 4 }]);
  });
});

test("a dead process is still opened by pid, and its memory still read", () => {
  withOs((os) => {
    using process = os.processByPid(20);
    expect(process.info()).toEqual(DEAD_SHELL);
    expect(process.read(0x40fff8, 8)).toEqual(processBytes(1, 0x40fff8, 8));
  });
});

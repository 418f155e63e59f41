/**
 * The Os of a native OS plugin (src/ffi/native-os.ts) against the real testos plugin over the
 * real testmem connector: every call of memflow's Os trait with test-os.md's exact values, its
 * errors with memflow's exact ordinals, and its optional parts in the full and the minimal
 * build. After every test the plugins' counters show that nothing is left alive.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { encodeError, INVALID_ADDRESS, type ModuleInfo, type Os, type ProcessInfo } from "../src/index.ts";
import { buildTestos, expectMemflowError, FIXED_PROCESSES, physicalBytes, X86_64 } from "./support/testos.ts";
import { openLedger } from "./support/testos-ledger.ts";

const plugins = buildTestos("memflow-ts-os-");
const ledger = openLedger(plugins);
afterEach(() => ledger.expectNothingAlive());
afterAll(() => plugins.remove());

const { withOs } = plugins;
const PROCESSES = FIXED_PROCESSES;

/** The kernel's two modules. */
const NTOSKRNL: ModuleInfo = {
  address: 0xfffff78000001000n,
  parentProcess: 0n,
  base: 0xfffff80000000000n,
  size: 0x800000n,
  name: "ntoskrnl.exe",
  path: "\\SystemRoot\\system32\\ntoskrnl.exe",
  arch: X86_64,
};
const HAL: ModuleInfo = {
  address: 0xfffff78000002000n,
  parentProcess: 0n,
  base: 0xfffff80000800000n,
  size: 0x100000n,
  name: "hal.dll",
  path: "\\SystemRoot\\system32\\hal.dll",
  arch: X86_64,
};

/** Plain, frozen all the way down, with bigint addresses: what every list entry must be. */
function expectPlainFrozen(value: object): void {
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect(Object.isFrozen(value)).toBe(true);
  for (const field of Object.values(value)) if (typeof field === "object" && field !== null) expectPlainFrozen(field);
}

describe("the OS's processes", () => {
  test("info() is the kernel's base, size and architecture", () => {
    withOs((os) => {
      const info = os.info();
      expect(info).toEqual({ base: 0xfffff80000000000n, size: 0x800000n, arch: X86_64 });
      expectPlainFrozen(info);
    });
  });

  test("processAddressList and processInfoList give the five processes in list order, as frozen plain objects", () => {
    withOs((os) => {
      ledger.reset();
      expect(os.processAddressList()).toEqual([0x1000n, 0x2000n, 0x3000n, 0x4000n, 0x5000n]);
      const list = os.processInfoList();
      expect(list).toEqual([...PROCESSES]);
      for (const info of list) {
        expectPlainFrozen(info);
        expect(typeof info.address).toBe("bigint");
        expect(typeof info.dtb1).toBe("bigint");
      }
      // Three strings a process, each handed over once (and freed by the shim as it copies them).
      expect(ledger.read().testos_strings_out).toBe(15);
    });
  });

  test("processes=1000 adds a thousand generated processes after the fixed five", () => {
    withOs(
      (os) => {
        const list = os.processInfoList();
        expect(list).toHaveLength(1005);
        expect(list.slice(0, 5)).toEqual([...PROCESSES]);
        const generated = (i: number): ProcessInfo => ({
          address: 0x100000000n + BigInt(i) * 0x1000n,
          pid: 10000 + i,
          state: { kind: "Alive" },
          name: `proc${i}`,
          path: `/usr/bin/proc${i}`,
          commandLine: `/usr/bin/proc${i} --index ${i}`,
          sysArch: X86_64,
          procArch: X86_64,
          dtb1: 0x60000n + BigInt(i) * 0x1000n,
          dtb2: INVALID_ADDRESS,
        });
        expect(list.slice(5)).toEqual(Array.from({ length: 1000 }, (_, i) => generated(i)));
        expect(os.processAddressList()).toEqual(list.map((info) => info.address));
        expect(os.processInfoByPid(10999)).toEqual(generated(999));
      },
      "testos",
      "processes=1000",
    );
  });

  test("processInfoByAddress, ByPid and ByName follow the trait's rules", () => {
    withOs((os) => {
      expect(os.processInfoByAddress(0x3000n)).toEqual(PROCESSES[2]);
      expect(os.processInfoByAddress(0x4000)).toEqual(PROCESSES[3]);
      // By pid: whatever the state, the dead shell too.
      expect(os.processInfoByPid(20)).toEqual(PROCESSES[1]);
      // By name: the first that is not dead, so the second shell.
      expect(os.processInfoByName("shell")).toEqual(PROCESSES[2]);
      expect(os.processInfoByName("dæmon")).toEqual(PROCESSES[4]);
      expect(os.processInfoByName("init").pid).toBe(1);
    });
  });

  test("an unknown process is (OsLayer, ProcessNotFound), memflow's error int -2556145", () => {
    withOs((os) => {
      const errors = [
        expectMemflowError(() => os.processInfoByAddress(0x3001n), "OsLayer", "ProcessNotFound"),
        expectMemflowError(() => os.processInfoByPid(21), "OsLayer", "ProcessNotFound"),
        expectMemflowError(() => os.processInfoByName("shel"), "OsLayer", "ProcessNotFound"),
        // Names match byte for byte: another case is another name.
        expectMemflowError(() => os.processInfoByName("dÆmon"), "OsLayer", "ProcessNotFound"),
        expectMemflowError(() => os.processByPid(9), "OsLayer", "ProcessNotFound"),
        expectMemflowError(() => os.processByName("nobody"), "OsLayer", "ProcessNotFound"),
        expectMemflowError(() => os.processByAddress(0x9000n), "OsLayer", "ProcessNotFound"),
      ];
      for (const error of errors) expect(encodeError(error.origin, error.kind)).toBe(-2556145);
      // The OS is still usable after each.
      expect(os.processAddressList()).toHaveLength(5);
    });
  });

  test("a pid that is not a u32 is refused before the plugin is called", () => {
    withOs((os) => {
      expectMemflowError(() => os.processInfoByPid(-1), "OsLayer", "InvalidArgument");
      expectMemflowError(() => os.processByPid(2 ** 32), "OsLayer", "InvalidArgument");
      expectMemflowError(() => os.processInfoByPid(1.5), "OsLayer", "InvalidArgument");
    });
  });
});

describe("opening processes", () => {
  const opens: [string, (os: Os) => ReturnType<Os["processByPid"]>][] = [
    ["processByInfo", (os) => os.processByInfo(os.processInfoByPid(36))],
    ["processByAddress", (os) => os.processByAddress(0x3000n)],
    ["processByPid", (os) => os.processByPid(36)],
    ["processByName", (os) => os.processByName("shell")],
  ];
  for (const [name, open] of opens) {
    test(`${name} gives a process that borrows the OS`, () => {
      withOs((os) => {
        const process = open(os);
        expect(process.info()).toEqual(PROCESSES[2]);
        expect(ledger.read()).toMatchObject({ testos_live_processes: 1, testos_live_owning_processes: 0 });
        process.close();
        expect(os.closed).toBe(false);
        expect(ledger.read().testos_live_processes).toBe(0);
        expect(os.processInfoByPid(36).pid).toBe(36);
      });
    });
  }

  test("processByInfo moves a copy of the info into the plugin, which frees it (counted once)", () => {
    withOs((os) => {
      const info = os.processInfoByName("dæmon");
      ledger.reset();
      os.processByInfo(info).close();
      expect(ledger.read().testos_infos_in).toBe(1);
      // The host's own info is untouched.
      expect(info).toEqual(PROCESSES[4]);
      const unknown = { ...info, address: 0x7000n };
      expectMemflowError(() => os.processByInfo(unknown), "OsLayer", "InvalidProcessInfo");
      expect(ledger.read().testos_infos_in).toBe(2);
    });
  });

  const intos: [string, (os: Os) => ReturnType<Os["intoProcessByPid"]>][] = [
    ["intoProcessByInfo", (os) => os.intoProcessByInfo(os.processInfoByPid(300))],
    ["intoProcessByAddress", (os) => os.intoProcessByAddress(0x4000n)],
    ["intoProcessByPid", (os) => os.intoProcessByPid(300)],
    ["intoProcessByName", (os) => os.intoProcessByName("legacy32")],
  ];
  for (const [name, into] of intos) {
    test(`${name} moves the OS into the process, which drops it on close`, () => {
      const os = plugins.open("testos");
      const process = into(os);
      expect(os.closed).toBe(true);
      expect(process.info()).toEqual(PROCESSES[3]);
      expect(ledger.read()).toMatchObject({
        testos_live: 1,
        testos_live_owning_processes: 1,
        testos_live_processes: 0,
        testmem_live_instances: 1,
      });
      expectMemflowError(() => os.info(), "Ffi", "Uninitialized");
      process.close();
    });
  }
});

describe("the kernel's modules", () => {
  test("moduleAddressList and moduleList", () => {
    withOs((os) => {
      expect(os.moduleAddressList()).toEqual([NTOSKRNL.address, HAL.address]);
      const modules = os.moduleList();
      expect(modules).toEqual([NTOSKRNL, HAL]);
      for (const module of modules) expectPlainFrozen(module);
    });
  });

  test("moduleByAddress, moduleByName, primaryModuleAddress and primaryModule", () => {
    withOs((os) => {
      expect(os.moduleByAddress(HAL.address)).toEqual(HAL);
      expect(os.moduleByName("ntoskrnl.exe")).toEqual(NTOSKRNL);
      expect(os.moduleByName("hal.dll")).toEqual(HAL);
      expect(os.primaryModuleAddress()).toBe(NTOSKRNL.address);
      expect(os.primaryModule()).toEqual(NTOSKRNL);
    });
  });

  test("an unknown module is (OsLayer, ModuleNotFound), -2687217", () => {
    withOs((os) => {
      for (const error of [
        expectMemflowError(() => os.moduleByAddress(HAL.address + 1n), "OsLayer", "ModuleNotFound"),
        expectMemflowError(() => os.moduleByName("HAL.DLL"), "OsLayer", "ModuleNotFound"),
      ])
        expect(encodeError(error.origin, error.kind)).toBe(-2687217);
    });
  });

  test("imports, exports and sections of each kernel module, relative and absolute as memflow gives them", () => {
    withOs((os) => {
      for (const module of [NTOSKRNL, HAL]) {
        expect(os.moduleImportList(module)).toEqual([
          { name: "malloc", offset: 0x2000n },
          { name: "free", offset: 0x2008n },
        ]);
        expect(os.moduleExportList(module)).toEqual([
          { name: "start", offset: 0x1000n },
          { name: "helper", offset: 0x1800n },
        ]);
        const sections = os.moduleSectionList(module);
        expect(sections).toEqual([
          { name: ".text", base: module.base + 0x1000n, size: 0x2000n },
          { name: ".data", base: module.base + 0x3000n, size: 0x1000n },
        ]);
        for (const section of sections) expectPlainFrozen(section);
        expect(os.moduleImportByName(module, "free")).toEqual({ name: "free", offset: 0x2008n });
        expect(os.moduleExportByName(module, "helper")).toEqual({ name: "helper", offset: 0x1800n });
        expect(os.moduleSectionByName(module, ".data")).toEqual({
          name: ".data",
          base: module.base + 0x3000n,
          size: 0x1000n,
        });
      }
    });
  });

  test("a missing import, export or section has its own kind; an unknown image is (Other, InvalidExeFile)", () => {
    withOs((os) => {
      const cases = [
        [expectMemflowError(() => os.moduleImportByName(HAL, "start"), "OsLayer", "ImportNotFound"), -2818289],
        [expectMemflowError(() => os.moduleExportByName(HAL, "malloc"), "OsLayer", "ExportNotFound"), -2752753],
        [expectMemflowError(() => os.moduleSectionByName(HAL, ".bss"), "OsLayer", "SectionNotFound"), -2883825],
      ] as const;
      for (const [error, int] of cases) expect(encodeError(error.origin, error.kind)).toBe(int);
      const elsewhere = { ...HAL, base: 0x1234000n };
      for (const run of [
        () => os.moduleImportList(elsewhere),
        () => os.moduleExportList(elsewhere),
        () => os.moduleSectionList(elsewhere),
        () => os.moduleExportByName(elsewhere, "start"),
      ]) {
        const error = expectMemflowError(run, "Other", "InvalidExeFile");
        expect(encodeError(error.origin, error.kind)).toBe(-2031889);
      }
    });
  });
});

describe("the optional parts", () => {
  test("the full build offers physical memory, the kernel's memory and translation, and the keyboard", () => {
    withOs((os) => {
      expect(os.physicalMemory()?.read(0x1000, 16)).toEqual(physicalBytes(0x1000, 16));
      // Kernel virtual memory maps VA − fffff80000000000 onto physical memory.
      expect(os.memoryView()?.read(0xfffff80000001ff8n, 8)).toEqual(physicalBytes(0x1ff8, 8));
      expect(os.virtualTranslate()?.virtToPhys(0xfffff80000004123n).address).toBe(0x4123n);
      const keyboard = os.keyboard();
      expect(keyboard).toBeDefined();
      keyboard?.close();
    });
  });

  test("the minimal build offers none of them, and intoKeyboard says so, leaving the OS usable", () => {
    const min = openLedger(plugins, "testosmin");
    withOs((os) => {
      expect(os.name).toBe("testosmin");
      expect(os.physicalMemory()).toBeUndefined();
      expect(os.memoryView()).toBeUndefined();
      expect(os.virtualTranslate()).toBeUndefined();
      expect(os.keyboard()).toBeUndefined();
      expectMemflowError(() => os.intoKeyboard(), "OsLayer", "UnsupportedOptionalFeature");
      expect(os.closed).toBe(false);
      // Everything else is as in the full build.
      expect(os.processInfoList()).toEqual([...PROCESSES]);
      expect(os.primaryModule()).toEqual(NTOSKRNL);
    }, "testosmin");
    min.expectNothingAlive();
  });

  test("the keyboard: every key up at first, setDown and isDown, and a snapshot that keeps its moment", () => {
    withOs((os) => {
      const keyboard = os.keyboard();
      if (keyboard === undefined) throw new Error("the full build has a keyboard");
      const keys = Array.from({ length: 256 }, (_, key) => key);
      expect(keys.filter((key) => keyboard.isDown(key))).toEqual([]);
      keyboard.setDown(0x41, true);
      keyboard.setDown(0x10, true);
      keyboard.setDown(0x10, false);
      expect([keyboard.isDown(0x41), keyboard.isDown(0x10)]).toEqual([true, false]);
      const state = keyboard.state();
      expect(ledger.read().testos_live_keyboard_states).toBe(0);
      keyboard.setDown(0x42, true);
      expect(keys.filter((key) => state.isDown(key))).toEqual([0x41]);
      expect(keys.filter((key) => keyboard.state().isDown(key))).toEqual([0x41, 0x42]);
      expect(ledger.read().testos_live_keyboards).toBe(1);
      keyboard.close();
      expect(ledger.read().testos_live_keyboards).toBe(0);
    });
  });

  test("intoKeyboard moves the OS into the keyboard, which drops it on close", () => {
    const os = plugins.open("testos");
    using keyboard = os.intoKeyboard();
    expect(os.closed).toBe(true);
    keyboard.setDown(7, true);
    expect(keyboard.isDown(7)).toBe(true);
    expect(ledger.read()).toMatchObject({ testos_live: 1, testos_live_keyboards: 1, testmem_live_instances: 1 });
  });
});

/**
 * The bundled dummy OS plugin's virtual memory against its contract (native/dummy-os.md):
 * contents, holes, translation, page sizes and the kernel's address space, through core's
 * Inventory over the bundled dummy connector.
 */
import { describe, expect, test } from "bun:test";
import { type ModuleInfo, PAGE_TYPE, type Process } from "@memflow-ts/core";
import { dummyOsBytes, dummyOsRegions, KIB4, MIB2 } from "../src/dummy-os/content.ts";
import { errorOf, hex, sharedOs } from "./support/dummy-os-inventory.ts";

describe("virtual memory", () => {
  const shared = sharedOs("size=8m", "procs=2,seed=7");

  test("reads of module pages return the seeded contents", () => {
    const os = shared();
    for (const address of os.processAddressList()) {
      using process = os.processByAddress(address);
      const pid = process.info().pid;
      for (const module of process.moduleList()) {
        const at = module.base + 0x1ff8n; // across the boundary of pages 1 and 2
        expect(hex(process.read(at, 32))).toBe(hex(dummyOsBytes(7n, pid, at, 32)));
        expect(hex(process.read(module.base, 8))).toBe(hex(dummyOsBytes(7n, pid, module.base, 8)));
      }
    }
  });

  test("a read across a module's hole is zero-filled there and reported", () => {
    const os = shared();
    using process = os.processByPid(1);
    const module = process.primaryModule();
    const hole = module.base + (module.size / BigInt(KIB4) / 2n) * BigInt(KIB4);
    const [result] = process.readMany([{ address: hole - 16n, length: KIB4 + 32 }]);
    expect(result?.done).toBe(32);
    expect(result?.failed).toBe(KIB4);
    expect(result?.ok).toBe(false);
    const data = result?.data ?? new Uint8Array();
    expect(hex(data.subarray(0, 16))).toBe(hex(dummyOsBytes(7n, 1, hole - 16n, 16)));
    expect(data.subarray(16, 16 + KIB4).every((byte) => byte === 0)).toBe(true);
    expect(hex(data.subarray(16 + KIB4))).toBe(hex(dummyOsBytes(7n, 1, hole + BigInt(KIB4), 16)));
    expect(errorOf(() => process.read(hole, 8)).kind).toBe("PartialData");
  });

  test("virtToPhys then a physical read gives the bytes of the virtual read", () => {
    const os = shared();
    using process = os.processByPid(2);
    const translate = process.virtualTranslate();
    expect(translate).toBeDefined();
    const addresses = process.moduleList().flatMap((module) => [module.base, module.base + 0x1234n]);
    const physicalReads = addresses.map((address) => translate?.virtToPhys(address).address ?? 0n);
    const virtual = addresses.map((address) => hex(process.read(address, 64)));
    process.close();
    const physical = os.physicalMemory();
    expect(physicalReads.map((address) => hex(physical?.read(address, 64) ?? new Uint8Array()))).toEqual(virtual);
  });

  test("writes through a process land where its reads find them", () => {
    const os = shared();
    using process = os.processByPid(1);
    const at = process.primaryModule().base + 0x4100n;
    process.write(at, Uint8Array.of(1, 2, 3, 4));
    expect([...process.read(at, 4)]).toEqual([1, 2, 3, 4]);
  });

  test("mappedMemRange lists the module pages around their holes, executable below 0x4000", () => {
    const os = shared();
    using process = os.processByPid(1);
    const module = process.primaryModule();
    const pages = module.size / BigInt(KIB4);
    const hole = module.base + (pages / 2n) * BigInt(KIB4);
    const ranges = process.mappedMemRange(-1, module.base, module.base + module.size);
    expect(ranges).toEqual([
      // memflow's x64 rule: RW on any level of the walk makes a page WRITEABLE, and every table entry has it.
      { address: module.base, size: 0x4000n, pageType: PAGE_TYPE.WRITEABLE },
      ...(hole > module.base + 0x4000n
        ? [
            {
              address: module.base + 0x4000n,
              size: hole - module.base - 0x4000n,
              pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC,
            },
          ]
        : []),
      {
        address: hole + BigInt(KIB4),
        size: module.base + module.size - hole - BigInt(KIB4),
        pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC,
      },
    ]);
  });

  test("the kernel has its own address space, modules and translation", () => {
    const os = shared();
    const info = os.info();
    const modules = os.moduleList();
    expect(modules.map((module) => [module.name, module.path])).toEqual([
      ["dummy-kernel", "/boot/dummy-kernel"],
      ["dummy-driver", "/lib/modules/dummy-driver.ko"],
    ]);
    expect(info.base).toBe(modules[0]?.base ?? 0n);
    expect(info.size).toBe(modules[0]?.size ?? 0n);
    expect(os.primaryModule()).toEqual(modules[0] as ModuleInfo);
    expect(modules.every((module) => module.parentProcess === 0n)).toBe(true);
    expect(info.base >= 0xffff_f800_0000_0000n).toBe(true);
    const kernel = os.memoryView();
    expect(hex(kernel?.read(info.base + 0x10n, 16) ?? new Uint8Array())).toBe(
      hex(dummyOsBytes(7n, 0, info.base + 0x10n, 16)),
    );
    const page = os.virtualTranslate()?.virtPageInfo(info.base);
    expect(page?.pageSize).toBe(BigInt(KIB4));
    expect(page?.pageType).toBe(PAGE_TYPE.WRITEABLE);
  });
});

describe("page sizes", () => {
  // 2 GiB: the first process gets gigabyte 1 as a 1 GiB page, both get a 2 MiB page.
  const shared = sharedOs("size=2g", "procs=2,seed=3");

  function pageAt(process: Process, address: bigint) {
    return process.virtualTranslate()?.virtPageInfo(address);
  }

  test("maps 4 KiB module pages, a 2 MiB heap page and a 1 GiB page where the contract says", () => {
    const os = shared();
    const first = os.processInfoByPid(1);
    using process = os.processByPid(1);
    const layout = dummyOsRegions(first.address);
    expect(pageAt(process, layout.modules)?.pageSize).toBe(BigInt(KIB4));
    expect(pageAt(process, layout.heap + 0x1234n)).toEqual({
      pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC,
      pageBase: (1024n / 2n - 1n) * BigInt(MIB2),
      pageSize: BigInt(MIB2),
    });
    expect(pageAt(process, layout.huge + 0x3456_7890n)).toEqual({
      pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC,
      pageBase: 0x4000_0000n,
      pageSize: 0x4000_0000n,
    });
    const translate = process.virtualTranslate();
    expect(translate?.virtToPhys(layout.huge + 0x3456_7890n).address).toBe(0x4000_0000n + 0x3456_7890n);
    const ranges = process.mappedMemRange(-1);
    expect(ranges.slice(-2)).toEqual([
      { address: layout.heap, size: BigInt(MIB2), pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC },
      { address: layout.huge, size: 0x4000_0000n, pageType: PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC },
    ]);
  });

  test("the large pages hold the seeded contents: all of the 2 MiB page, the ends of the 1 GiB one", () => {
    const os = shared();
    const first = os.processInfoByPid(1);
    using process = os.processByPid(1);
    const layout = dummyOsRegions(first.address);
    for (const at of [
      layout.heap,
      layout.heap + BigInt(MIB2) - 8n,
      layout.heap + 0x12_3458n,
      layout.huge,
      layout.huge + 0x3fff_fff0n,
    ]) {
      expect(hex(process.read(at, 8))).toBe(hex(dummyOsBytes(3n, 1, at, 8)));
    }
    expect(process.read(layout.huge + 0x2000_0000n, 8).every((byte) => byte === 0)).toBe(true);
  });

  test("the second process has a 2 MiB page but no 1 GiB page: gigabyte 2 is past the memory", () => {
    const os = shared();
    const second = os.processInfoByPid(2);
    using process = os.processByPid(2);
    const layout = dummyOsRegions(second.address);
    expect(pageAt(process, layout.heap)?.pageBase).toBe((1024n / 2n - 2n) * BigInt(MIB2));
    expect(errorOf(() => pageAt(process, layout.huge)).is("VirtualTranslate", "OutOfBounds")).toBe(true);
  });
});

describe("translation", () => {
  const shared = sharedOs("size=8m", "procs=2,seed=11");

  test("virtToPhysList gives a piece per page and one failure per unmapped stretch", () => {
    const os = shared();
    using process = os.processByPid(1);
    const module = process.primaryModule();
    const hole = module.base + (module.size / BigInt(KIB4) / 2n) * BigInt(KIB4);
    const translate = process.virtualTranslate();
    const result = translate?.virtToPhysList([{ address: hole - 0x800n, size: 0x2000n }]);
    expect(result?.failures).toEqual([{ from: hole, size: BigInt(KIB4) }]);
    expect(result?.translations.map((piece) => [piece.inVirtual, piece.size])).toEqual([
      [hole - 0x800n, 0x800n],
      [hole + BigInt(KIB4), 0x800n],
    ]);
    for (const piece of result?.translations ?? []) {
      expect(translate?.virtToPhys(piece.inVirtual)).toEqual(piece.outPhysical);
    }
  });

  test("the translation map covers what mappedMemRange lists, and physToVirt finds each run's start", () => {
    const os = shared();
    using process = os.processByPid(2);
    const translate = process.virtualTranslate();
    const runs = translate?.virtTranslationMap() ?? [];
    const mapped = process.mappedMemRange(-1).reduce((total, range) => total + range.size, 0n);
    expect(runs.reduce((total, run) => total + run.size, 0n)).toBe(mapped);
    for (const run of runs) {
      expect(translate?.virtToPhys(run.inVirtual).address).toBe(run.outPhysical.address);
      const last = translate?.virtToPhys(run.inVirtual + run.size - 1n).address;
      expect(last).toBe(run.outPhysical.address + run.size - 1n);
      expect(translate?.physToVirt(run.outPhysical.address)).toBe(run.inVirtual);
    }
    expect(translate?.physToVirt(0n)).toBeUndefined();
  });

  test("setDtb switches the tables a process is read through", () => {
    const os = shared();
    const [first, second] = os.processInfoList();
    using process = os.processByPid(1);
    const at = (second?.address ?? 0n) + 0x1000n;
    expect(process.readMany([{ address: at, length: 8 }])[0]?.ok).toBe(false);
    process.setDtb(second?.dtb1 ?? 0n);
    expect(process.info().dtb1).toBe(second?.dtb1 ?? 0n);
    expect(hex(process.read(at, 8))).toBe(hex(dummyOsBytes(11n, 2, at, 8)));
    process.setDtb(first?.dtb1 ?? 0n);
    expect(process.readMany([{ address: at, length: 8 }])[0]?.ok).toBe(false);
  });

  test("a process's memory metadata is the connector's, 64-bit little-endian", () => {
    const os = shared();
    using process = os.processByPid(1);
    expect(process.metadata()).toEqual({
      maxAddress: 0x7f_ffffn,
      realSize: 0x80_0000n,
      readonly: false,
      littleEndian: true,
      archBits: 64,
    });
  });

  test("a batch of reads across pages and holes reports each request on its own", () => {
    const os = shared();
    using process = os.processByPid(2);
    const modules = process.moduleList();
    const requests = modules.map((module) => ({ address: module.base + 0xff0n, length: 0x20 }));
    const results = process.readMany([...requests, { address: 0x1000n, length: 16 }]);
    requests.forEach((request, index) => {
      expect(results[index]?.ok).toBe(true);
      expect(hex(results[index]?.data ?? new Uint8Array())).toBe(hex(dummyOsBytes(11n, 2, request.address, 0x20)));
    });
    expect(results.at(-1)).toMatchObject({ done: 0, failed: 16, ok: false });
  });
});

/**
 * The native dummy OS against core's translation in TypeScript, over the same physical memory:
 * the dummy OS builds its page tables in the dummy connector's memory; core's `translate()` and
 * `VirtualMemory`, given that memory (the OS's physicalMemory()) and each process's dtb1, must
 * find what the plugin finds: the same mapped ranges, physical addresses, page sizes (4 KiB,
 * 2 MiB, 1 GiB) and bytes.
 *
 * Page types are the one difference, and it is deliberate: the dummy OS follows memflow's x64 rule
 * (native/dummy-os.md: RW in any entry of the walk makes a page WRITEABLE, and every table entry
 * has RW), core follows the architecture manual (decision 0013: writeable only if every entry
 * allows it). So a module's code pages (their page-table entry has no RW) are WRITEABLE to the
 * plugin and READ_ONLY to core; every other page, and the NOEXEC bit everywhere, agree.
 */
import { describe, expect, test } from "bun:test";
import {
  type MemoryRange,
  type ModuleInfo,
  PAGE_TYPE,
  type ProcessInfo,
  translate,
  VirtualMemory,
  type VirtualTranslation,
  type VirtualTranslationFailure,
  WALK,
  WalkResults,
} from "@memflow-ts/core";
import { dummyOsRegions, KIB4, MIB2 } from "../src/dummy-os/content.ts";
import { sharedOs } from "./support/dummy-os-inventory.ts";

const GIB1 = 0x4000_0000n;
const PAGE = BigInt(KIB4);

/** What the native side says about one process, gathered while it is open. */
interface NativeView {
  readonly info: ProcessInfo;
  readonly modules: readonly ModuleInfo[];
  readonly ranges: readonly MemoryRange[];
  /** Page addresses probed: every 4 KiB page of the ranges, except inside the 1 GiB page (a sample). */
  readonly pages: readonly bigint[];
  /** Addresses that must not translate: each module's hole, the pages after modules and large pages. */
  readonly unmapped: readonly bigint[];
  readonly translations: { translations: VirtualTranslation[]; failures: VirtualTranslationFailure[] };
  readonly bytes: Uint8Array;
}

/** Every 4 KiB page of `range`; of a 1 GiB page its ends and 64 pages spread over it. */
function probePages(range: MemoryRange): bigint[] {
  const count = range.size / PAGE;
  if (range.size < GIB1) return Array.from({ length: Number(count) }, (_, page) => range.address + BigInt(page) * PAGE);
  const picks = new Set<bigint>();
  for (let page = 0n; page < 4n; page += 1n) {
    picks.add(page);
    picks.add(count - 1n - page);
  }
  for (let step = 0n; step < 64n; step += 1n) picks.add((step * 4099n) % count);
  return [...picks].sort((a, b) => (a < b ? -1 : 1)).map((page) => range.address + page * PAGE);
}

function pageRequests(pages: readonly bigint[]) {
  return pages.map((address) => ({ address, length: KIB4 }));
}

function joined(results: readonly { data: Uint8Array; ok: boolean }[]): Uint8Array {
  const bytes = new Uint8Array(results.length * KIB4);
  results.forEach((result, index) => {
    expect(result.ok).toBe(true);
    bytes.set(result.data, index * KIB4);
  });
  return bytes;
}

/** A code page: inside a module, below offset 0x4000 (native/dummy-os.md), where the two rules differ. */
function isCode(modules: readonly ModuleInfo[], address: bigint): boolean {
  return modules.some((module) => address >= module.base && address < module.base + 0x4000n);
}

/** The page type core must report, from the one the plugin reports (see the file comment). */
function manualsType(modules: readonly ModuleInfo[], address: bigint, memflowType: number): number {
  return isCode(modules, address) ? (memflowType & ~PAGE_TYPE.WRITEABLE) | PAGE_TYPE.READ_ONLY : memflowType;
}

describe("core's TypeScript translation over the native dummy OS's page tables", () => {
  // 2 GiB: process 1 gets a 1 GiB page, every process a 2 MiB page; processes 2 and 3 no 1 GiB page.
  const shared = sharedOs("size=2g", "procs=3,seed=11");
  let views: NativeView[] | undefined;

  /** The native answers for every process (each process borrows the OS, so all are gathered first). */
  function nativeViews(): NativeView[] {
    if (views) return views;
    const os = shared();
    views = os.processInfoList().map((info) => {
      using process = os.processByPid(info.pid);
      const modules = process.moduleList();
      const ranges = process.mappedMemRange(-1);
      const pages = ranges.flatMap(probePages);
      const unmapped = [
        ...modules.map((module) => module.base + (module.size / PAGE / 2n) * PAGE),
        ...modules.map((module) => module.base + module.size),
        dummyOsRegions(info.address).heap + BigInt(MIB2),
        dummyOsRegions(info.address).huge + GIB1,
      ];
      const translate = process.virtualTranslate();
      if (!translate) throw new Error("the dummy OS's processes offer VirtualTranslate");
      const translations = translate.virtToPhysList(
        [...pages, ...unmapped].map((address) => ({ address, size: PAGE })),
      );
      return {
        info,
        modules,
        ranges,
        pages,
        unmapped,
        translations,
        bytes: joined(process.readMany(pageRequests(pages))),
      };
    });
    return views;
  }

  test("the layout has 4 KiB, 2 MiB and 1 GiB pages to compare, and holes", () => {
    const [first, second] = nativeViews();
    const sizes = new Set(first?.translations.translations.map((entry) => entry.outPhysical.pageSize));
    expect([...sizes].sort()).toEqual([PAGE, BigInt(MIB2), GIB1].sort());
    expect(second?.ranges.some((range) => range.size >= GIB1)).toBe(false);
    expect(first?.translations.failures.length).toBe(first?.unmapped.length);
  });

  test("VirtualMemory maps the same ranges, with the manuals' page types where the rules differ", () => {
    for (const view of nativeViews()) {
      const memory = new VirtualMemory(shared().physicalMemory() ?? noPhysicalMemory(), view.info.procArch, view.info);
      const ranges = memory.virtPageMap(-1);
      expect(ranges.map(({ address, size }) => ({ address, size }))).toEqual(
        view.ranges.map(({ address, size }) => ({ address, size })),
      );
      expect(ranges.map((range) => range.pageType)).toEqual(
        view.ranges.map((range) => manualsType(view.modules, range.address, range.pageType)),
      );
      // Where they differ, it is only the write bit of code pages.
      expect(ranges.filter((range, index) => range.pageType !== view.ranges[index]?.pageType).length).toBe(
        view.modules.length,
      );
    }
  });

  test("virtToPhysList gives the same physical addresses and page sizes for every probed page, and the same failures", () => {
    for (const view of nativeViews()) {
      const memory = new VirtualMemory(shared().physicalMemory() ?? noPhysicalMemory(), view.info.procArch, view.info);
      const ours = memory.virtToPhysList([...view.pages, ...view.unmapped].map((address) => ({ address, size: PAGE })));
      const shape = (list: typeof ours) => ({
        translations: list.translations.map((entry) => [
          entry.inVirtual,
          entry.size,
          entry.outPhysical.address,
          entry.outPhysical.pageSize,
        ]),
        failures: list.failures,
      });
      expect(shape(ours)).toEqual(shape(view.translations));
      ours.translations.forEach((entry, index) => {
        const native = view.translations.translations[index]?.outPhysical.pageType ?? -1;
        expect(entry.outPhysical.pageType).toBe(manualsType(view.modules, entry.inVirtual, native));
      });
    }
  });

  test("translate() with a kept WalkResults finds each probed page where the plugin does", () => {
    const results = new WalkResults();
    for (const view of nativeViews()) {
      const physical = shared().physicalMemory() ?? noPhysicalMemory();
      const addresses = [...view.pages, ...view.unmapped];
      translate(physical, view.info.procArch, view.info.dtb1, addresses, results);
      const native = new Map(view.translations.translations.map((entry) => [entry.inVirtual, entry.outPhysical]));
      addresses.forEach((address, index) => {
        const expected = native.get(address);
        if (!expected) {
          expect(results.status[index]).toBe(WALK.NOT_PRESENT);
          return;
        }
        expect(results.status[index]).toBe(WALK.OK);
        expect(BigInt(results.physical[index] ?? -1)).toBe(expected.address);
        expect(BigInt(results.pageSize[index] ?? -1)).toBe(expected.pageSize ?? -1n);
      });
    }
  });

  test("VirtualMemory reads the same bytes as the plugin's Process.read, page by page", () => {
    for (const view of nativeViews()) {
      const memory = new VirtualMemory(shared().physicalMemory() ?? noPhysicalMemory(), view.info.procArch, view.info);
      const ours = joined(memory.readMany(pageRequests(view.pages)));
      expect(Buffer.compare(ours, view.bytes)).toBe(0);
      // Not a comparison of zeroes: the module pages and the 2 MiB page hold the seeded contents.
      expect(view.bytes.some((byte) => byte !== 0)).toBe(true);
    }
  });
});

function noPhysicalMemory(): never {
  throw new Error("the dummy OS offers its PhysicalMemory");
}

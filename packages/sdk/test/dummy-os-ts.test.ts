/**
 * The dummy OS written in TypeScript (`dummy_ts`, src/dummy-os/) against the native dummy OS, for
 * several sizes, process counts and seeds, each over the native dummy connector: the same
 * processes, modules and images, the same physical memory after creation (tables and contents
 * byte for byte), the same mapped ranges, bytes and translations. The one difference is decision
 * 0013's page type of code pages (support/dummy-os-pair.ts `coreTypeOf`), pinned here too.
 */
import { describe, expect, test } from "bun:test";
import { type MemoryRange, type ModuleContents, type ModuleInfo, PAGE_TYPE, type Process } from "@memflow-ts/core";
import { GIB1, KIB4, MIB2 } from "../src/dummy-os/content.ts";
import { errorOf } from "./support/dummy-os-inventory.ts";
import { coreTypeOf, firstDifference, type Pair, sharedPair } from "./support/dummy-os-pair.ts";

const CASES = [
  { size: "4m", args: "procs=2,seed=7" },
  { size: "10m", args: "procs=6,seed=0" },
  { size: "2m", args: "procs=3,seed=0xdeadbeef" },
  { size: "2g", args: "procs=2,seed=42" },
];

/** Every 4 KiB page of the ranges. */
function pagesOf(ranges: readonly MemoryRange[]): bigint[] {
  return ranges.flatMap((range) =>
    Array.from({ length: Number(range.size / BigInt(KIB4)) }, (_, page) => range.address + BigInt(page * KIB4)),
  );
}

/** Each process of both OSes, opened in turn (pid order), closed after `use`. */
function eachProcessPair(pair: Pair, use: (native: Process, script: Process) => void): void {
  for (const info of pair.native.processInfoList()) {
    using native = pair.native.processByPid(info.pid);
    using script = pair.script.processByPid(info.pid);
    use(native, script);
  }
}

/** A module's image as both OSes describe it. */
function imageOf(owner: ModuleContents, module: ModuleInfo) {
  return {
    exports: owner.moduleExportList(module),
    imports: owner.moduleImportList(module),
    sections: owner.moduleSectionList(module),
  };
}

for (const { size, args } of CASES) {
  describe(`-c dummy::size=${size} with -o dummy::${args} and -o dummy_ts::${args}`, () => {
    const pair = sharedPair(size, args);

    test("list the same processes and describe the same OS", () => {
      const { native, script } = pair();
      expect(script.processInfoList()).toEqual(native.processInfoList());
      expect(script.processInfoList().length).toBe(Number(/procs=(\d+)/.exec(args)?.[1]));
      expect(script.info()).toEqual(native.info());
      for (const info of native.processInfoList()) {
        expect(script.processInfoByName(info.name)).toEqual(info);
        expect(script.processInfoByAddress(info.address)).toEqual(info);
      }
    });

    test("list the same modules, exports, imports and sections, in every process and the kernel", () => {
      const { native, script } = pair();
      expect(script.moduleList()).toEqual(native.moduleList());
      for (const module of native.moduleList()) expect(imageOf(script, module)).toEqual(imageOf(native, module));
      eachProcessPair(pair(), (nativeProcess, scriptProcess) => {
        const modules = nativeProcess.moduleList();
        expect(modules.length).toBeGreaterThanOrEqual(2);
        expect(scriptProcess.moduleList()).toEqual(modules);
        expect(scriptProcess.primaryModule()).toEqual(nativeProcess.primaryModule());
        for (const module of modules) expect(imageOf(scriptProcess, module)).toEqual(imageOf(nativeProcess, module));
      });
    });

    test("leave the same physical memory: the same tables and contents, byte for byte", () => {
      const { native, script } = pair();
      const nativeMemory = native.physicalMemory();
      const scriptMemory = script.physicalMemory();
      if (!nativeMemory || !scriptMemory) throw new Error("both dummy OSes offer their physical memory");
      const realSize = nativeMemory.metadata().realSize;
      expect(scriptMemory.metadata().realSize).toBe(realSize);
      expect(firstDifference(nativeMemory, scriptMemory, Number(realSize))).toBe(-1);
      // Gigabytes of memory to compare where the layout has 1 GiB pages.
    }, 60_000);

    test("map the same ranges, with decision 0013's page type for code pages and memflow's elsewhere", () => {
      eachProcessPair(pair(), (native, script) => {
        for (const gap of [-1, 0x10000]) {
          const nativeRanges = native.mappedMemRange(gap);
          expect(nativeRanges.length).toBeGreaterThan(0);
          expect(script.mappedMemRange(gap)).toEqual(
            nativeRanges.map((range) => ({ ...range, pageType: coreTypeOf(range.pageType) })),
          );
        }
        // Where the types differ: exactly the code pages, module offsets below 0x4000.
        for (const module of native.moduleList()) {
          const code = native.virtToPhys(module.base + 0x3000n);
          const data = native.virtToPhys(module.base + 0x4000n + BigInt(KIB4) * (module.size / BigInt(KIB4) - 5n));
          expect([code.pageType, script.virtToPhys(module.base + 0x3000n).pageType]).toEqual([
            PAGE_TYPE.WRITEABLE,
            PAGE_TYPE.READ_ONLY,
          ]);
          expect(data.pageType).toBe(PAGE_TYPE.WRITEABLE | PAGE_TYPE.NOEXEC);
        }
      });
    });

    test("read the same bytes from every page of every mapped range, through readMany in batches", () => {
      eachProcessPair(pair(), (native, script) => {
        const pages = pagesOf(native.mappedMemRange(-1));
        for (let first = 0; first < pages.length; first += 2048) {
          const requests = pages.slice(first, first + 2048).map((address) => ({ address, length: KIB4 }));
          const nativeResults = native.readMany(requests);
          const scriptResults = script.readMany(requests);
          for (const [index, result] of nativeResults.entries()) {
            const other = scriptResults[index];
            expect(result.ok && other?.ok).toBe(true);
            if (!Buffer.from(result.data).equals(Buffer.from(other?.data ?? [])))
              throw new Error(`the page at 0x${requests[index]?.address.toString(16)} differs`);
          }
        }
      });
    });

    test("translate every mapped page to the same physical address and page size", () => {
      const sizes = new Set<bigint | undefined>();
      eachProcessPair(pair(), (native, script) => {
        for (const range of native.mappedMemRange(-1)) {
          // Every 4 KiB page of small ranges; 64 addresses spread over a large page.
          const step = range.size <= BigInt(4 * MIB2) ? BigInt(KIB4) : range.size / 64n + 8n;
          for (let address = range.address; address < range.address + range.size; address += step) {
            const expected = native.virtToPhys(address + 0x18n);
            sizes.add(expected.pageSize);
            expect(script.virtToPhys(address + 0x18n)).toEqual({
              ...expected,
              pageType: coreTypeOf(expected.pageType),
            });
          }
          expect(script.virtualTranslate()?.virtToPhysRange(range.address, range.address + range.size)).toEqual(
            native
              .virtualTranslate()
              ?.virtToPhysRange(range.address, range.address + range.size)
              .map((piece) => ({
                ...piece,
                outPhysical: { ...piece.outPhysical, pageType: coreTypeOf(piece.outPhysical.pageType) },
              })),
          );
        }
        // The hole of module 0 and the page below the base: unmapped for both, with memflow's error.
        const module = native.primaryModule();
        for (const address of [module.base + (module.size / BigInt(KIB4) / 2n) * BigInt(KIB4), module.base - 1n]) {
          expect(errorOf(() => native.virtToPhys(address)).is("VirtualTranslate", "OutOfBounds")).toBe(true);
          expect(errorOf(() => script.virtToPhys(address)).is("VirtualTranslate", "OutOfBounds")).toBe(true);
        }
      });
      expect(sizes.has(BigInt(KIB4))).toBe(true);
      if (size === "2g") expect(sizes).toEqual(new Set([BigInt(KIB4), BigInt(MIB2), BigInt(GIB1)]));
    });

    test("read the kernel's address space the same through the OS's memory view", () => {
      const { native, script } = pair();
      for (const module of native.moduleList()) {
        const requests = [{ address: module.base, length: Number(module.size) }];
        const [expected] = native.memoryView()?.readMany(requests) ?? [];
        const [actual] = script.memoryView()?.readMany(requests) ?? [];
        expect(expected?.failed).toBe(KIB4);
        expect(Buffer.from(actual?.data ?? []).equals(Buffer.from(expected?.data ?? []))).toBe(true);
        expect(actual?.done).toBe(expected?.done as number);
      }
    });
  });
}

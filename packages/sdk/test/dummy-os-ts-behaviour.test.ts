/**
 * The TypeScript dummy OS (`dummy_ts`) beyond its layout: memflow's errors for the same bad
 * arguments and lookups as the native dummy OS, memory of its own without an input connector,
 * `setDtb`, writes through a process, and the OS conformance checks, run in process for a
 * definition (`checkOsDefinition`).
 */
import { describe, expect, test } from "bun:test";
import { defineOs, type MemflowError, type Os } from "@memflow-ts/core";
import { dummyOsTs } from "../src/index.ts";
import { checkOsDefinition } from "../src/testing/index.ts";
import { errorOf, hex } from "./support/dummy-os-inventory.ts";
import { firstDifference, inventory, openChain } from "./support/dummy-os-pair.ts";

const code = (error: MemflowError): string[] => [error.origin, error.kind];

/** Opens the named OS over a fresh native dummy connector of `size`; returns the connector too. */
function openOver(os: string, size: string, args: string) {
  const connector = inventory.instantiateConnector("dummy", undefined, `:size=${size}`);
  return { connector, open: () => inventory.instantiateOs(os, connector, args) };
}

describe("dummy_ts fails as the native dummy OS does", () => {
  const cases: [string, string, string[]][] = [
    ["4m", ":colour=red", ["ArgsValidator", "ArgNotExists"]],
    ["4m", ":procs=4097", ["ArgsValidator", "ArgValidation"]],
    ["4m", ":procs=-1", ["ArgsValidator", "ArgValidation"]],
    ["4m", ":seed=0x", ["ArgsValidator", "ArgValidation"]],
    ["4m", ":seed=18446744073709551616", ["ArgsValidator", "ArgValidation"]],
    ["4m", ":size=10q", ["Connector", "InvalidMemorySizeUnit"]],
    ["4m", ":size=8m", ["ArgsValidator", "ArgValidation"]],
    ["2m", ":procs=100", ["ArgsValidator", "ArgValidation"]],
  ];
  for (const [size, args, expected] of cases) {
    test(`on ${args} over ${size}: ${expected.join(", ")}, and the input connector is closed`, () => {
      for (const os of ["dummy", "dummy_ts"]) {
        const { connector, open } = openOver(os, size, args);
        expect(code(errorOf(open))).toEqual(expected);
        expect(connector.closed).toBe(true);
      }
    });
  }

  test("on unknown processes, module images and names", () => {
    const problems = (os: Os) => {
      const info = os.processInfoByPid(1);
      // One borrower at a time: the OS's own lookups first, then the process's.
      const found = [
        errorOf(() => os.processByPid(99)),
        errorOf(() => os.processByName("dummy99")),
        errorOf(() => os.processByInfo({ ...info, address: info.address + 0x1000n })),
      ];
      using process = os.processByInfo(info);
      const module = process.primaryModule();
      return [
        ...found,
        errorOf(() => process.moduleExportList({ ...module, base: module.base + 0x1000n })),
        errorOf(() => process.moduleByName("libnothing.so")),
        errorOf(() => process.moduleExportByName(module, "main")),
        errorOf(() => process.moduleImportByName(module, "printf")),
        errorOf(() => process.moduleSectionByName(module, ".bss")),
      ].map(code);
    };
    using native = openChain("dummy::size=4m", "dummy::procs=2,seed=7");
    using script = openChain("dummy::size=4m", "dummy_ts::procs=2,seed=7");
    const expected = problems(native);
    expect(expected).toEqual([
      ["OsLayer", "ProcessNotFound"],
      ["OsLayer", "ProcessNotFound"],
      ["OsLayer", "InvalidProcessInfo"],
      ["Other", "InvalidExeFile"],
      ["OsLayer", "ModuleNotFound"],
      ["OsLayer", "ExportNotFound"],
      ["OsLayer", "ImportNotFound"],
      ["OsLayer", "SectionNotFound"],
    ]);
    expect(problems(script)).toEqual(expected);
  });
});

describe("dummy_ts as the native dummy OS, otherwise", () => {
  test("without an input connector lays out the same OS in 2 MiB of its own", () => {
    using native = inventory.instantiateOs("dummy", undefined, ":procs=3,seed=11");
    using script = inventory.instantiateOs("dummy_ts", undefined, ":procs=3,seed=11");
    expect(script.processInfoList()).toEqual(native.processInfoList());
    const nativeMemory = native.physicalMemory();
    const scriptMemory = script.physicalMemory();
    if (!nativeMemory || !scriptMemory) throw new Error("both dummy OSes offer their physical memory");
    expect(scriptMemory.metadata().realSize).toBe(0x20_0000n);
    expect(nativeMemory.metadata().realSize).toBe(0x20_0000n);
    expect(firstDifference(nativeMemory, scriptMemory, 0x20_0000)).toBe(-1);
  });

  test("setDtb makes a process read another's memory through the other's tables", () => {
    for (const name of ["dummy", "dummy_ts"]) {
      using os = openChain("dummy::size=4m", `${name}::procs=2,seed=7`);
      const [first, second] = os.processInfoList();
      if (!first || !second) throw new Error("two processes");
      const theirs = (() => {
        using other = os.processByInfo(second);
        return hex(other.read(second.address + 0x1000n, 64));
      })();
      using process = os.processByInfo(first);
      const ours = hex(process.read(first.address + 0x1000n, 64));
      process.setDtb(second.dtb1, 0x1234n);
      expect(process.info()).toMatchObject({ dtb1: second.dtb1, dtb2: 0x1234n });
      expect(hex(process.read(second.address + 0x1000n, 64))).toBe(theirs);
      expect(theirs).not.toBe(ours);
      expect(errorOf(() => process.read(first.address, 16)).is("VirtualMemory", "PartialData")).toBe(true);
    }
  });

  test("writes through a process land in the connector where the page tables say", () => {
    using os = openChain("dummy::size=4m", "dummy_ts::procs=1,seed=7");
    const physical = (() => {
      using process = os.processByPid(1);
      const at = process.primaryModule().base + 0x4010n;
      process.write(at, Uint8Array.of(1, 2, 3, 4));
      expect([...process.read(at, 4)]).toEqual([1, 2, 3, 4]);
      return process.virtToPhys(at).address;
    })();
    expect([...(os.physicalMemory()?.read(physical, 4) ?? [])]).toEqual([1, 2, 3, 4]);
  });
});

describe("the OS conformance checks, in process, on a definition", () => {
  test("pass on dummy_ts over the native dummy connector", () => {
    const reports = checkOsDefinition(dummyOsTs, { sampleArgs: [":procs=3,seed=7"], cycles: 20 });
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.filter((report) => !report.ok)).toEqual([]);
  });

  test("fail a definition that loses its processes by pid, naming the check", () => {
    const broken = defineOs({
      ...dummyOsTs,
      name: "dummy_ts_lost",
      create: (input, args) => ({ ...dummyOsTs.create(input, args), processInfoByPid: () => undefined }),
    });
    const reports = checkOsDefinition(broken, { sampleArgs: [":procs=2"], skip: ["close-order", "os-leaks"] });
    const failed = reports.filter((report) => !report.ok).map((report) => report.id);
    expect(failed).toContain("process-lookup");
    expect(failed).not.toContain("os-descriptor");
  });
});

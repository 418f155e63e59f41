/**
 * OS-plugin checks on memory: module bases are mapped (the rest of a module may be paged out, as
 * in real systems), exports lie inside their module, a module's first page reads the same through
 * the process's memory as through `virtToPhys` and the OS's physical memory, and a read across
 * the end of a mapped range reports its unread part, zero-filled. Kernel modules are checked
 * through the OS's own memory view and translation when it offers them.
 */
import type { MemoryView, ModuleContents, ModuleInfo, Os, Process, VirtualTranslate } from "@memflow-ts/core";
import {
  eachProcess,
  fail,
  hex,
  memflowErrorOf,
  type OsCheck,
  openOs,
  pass,
  processLabel,
  summarize,
} from "./os-check-context.ts";

const PAGE = 0x1000n;

/** An address space with its modules: a process's, or the kernel's through the OS's optional parts. */
interface Space {
  readonly label: string;
  readonly modules: readonly ModuleInfo[];
  readonly contents: ModuleContents;
  readonly memory: MemoryView | undefined;
  readonly translate: VirtualTranslate | undefined;
}

function processSpace(process: Process, label: string): Space {
  return {
    label,
    modules: process.moduleList(),
    contents: process,
    memory: process,
    translate: process.virtualTranslate(),
  };
}

function kernelSpace(os: Os): Space {
  return {
    label: "the kernel",
    modules: os.moduleList(),
    contents: os,
    memory: os.memoryView(),
    translate: os.virtualTranslate(),
  };
}

/** Runs `use` on every process's space, then on the kernel's; returns the problems. */
function eachSpace(os: Os, use: (space: Space) => string[]): string[] {
  const problems = eachProcess(os, (process, info) => {
    const found = use(processSpace(process, processLabel(info)));
    return found.length === 0 ? undefined : summarize(found);
  });
  return [...problems, ...use(kernelSpace(os))];
}

/** Whether `address` is mapped in the space: one byte reads, or it translates. */
function mapped(space: Space, address: bigint): boolean {
  if (space.memory?.readMany([{ address, length: 1 }])[0]?.ok) return true;
  return space.translate !== undefined && memflowErrorOf(() => space.translate?.virtToPhys(address)) === undefined;
}

/** The first page of a module, or its whole size when smaller. */
function firstPageLength(module: ModuleInfo): number {
  const toPageEnd = PAGE - (module.base % PAGE);
  return Number(module.size < toPageEnd ? module.size : toPageEnd);
}

interface Sample {
  readonly where: string;
  readonly physical: bigint;
  readonly bytes: Uint8Array;
}

export const OS_MEMORY_CHECKS: readonly OsCheck[] = [
  {
    id: "module-base",
    title: "each module's base address is mapped (its first byte reads or translates)",
    run(context) {
      using os = openOs(context);
      let count = 0;
      const problems = eachSpace(os, (space) => {
        if (space.memory === undefined && space.translate === undefined) return [];
        count += space.modules.length;
        return space.modules
          .filter((module) => !mapped(space, module.base))
          .map((module) => `${space.label}: ${JSON.stringify(module.name)} at ${hex(module.base)} is not mapped`);
      });
      return problems.length === 0 ? pass(`${count} modules`) : fail(summarize(problems));
    },
  },
  {
    id: "exports",
    title: "exports lie inside their module",
    run(context) {
      using os = openOs(context);
      let count = 0;
      let unreadable = 0;
      const problems = eachSpace(os, (space) =>
        space.modules.flatMap((module) => {
          let exports: ReturnType<ModuleContents["moduleExportList"]> = [];
          const error = memflowErrorOf(() => {
            exports = space.contents.moduleExportList(module);
          });
          if (error) {
            // memflow's image parsers refuse what is not an image they know: no exports to check.
            unreadable += 1;
            return [];
          }
          count += exports.length;
          return exports
            .filter((entry) => entry.offset >= module.size)
            .map(
              (entry) =>
                `${space.label}: export ${JSON.stringify(entry.name)} of ${JSON.stringify(module.name)} at offset ${hex(entry.offset)} is past its size ${hex(module.size)}`,
            );
        }),
      );
      const note = unreadable === 0 ? "" : `, ${unreadable} modules without a readable export list`;
      return problems.length === 0 ? pass(`${count} exports${note}`) : fail(summarize(problems));
    },
  },
  {
    id: "translate",
    title: "a module's first page reads the same through virtToPhys and the physical memory",
    run(context) {
      using os = openOs(context);
      const samples: Sample[] = [];
      const problems = eachSpace(os, (space) => {
        const { memory, translate } = space;
        if (memory === undefined || translate === undefined) return [];
        return space.modules.flatMap((module) => {
          const [read] = memory.readMany([{ address: module.base, length: firstPageLength(module) }]);
          if (!read?.ok) return [];
          const where = `${space.label}: ${JSON.stringify(module.name)} at ${hex(module.base)}`;
          let physical = 0n;
          const error = memflowErrorOf(() => {
            physical = translate.virtToPhys(module.base).address;
          });
          if (error) return [`${where} reads but does not translate: ${error.message}`];
          samples.push({ where, physical, bytes: read.data });
          return [];
        });
      });
      // Read after every process is closed: a borrowed process makes the OS refuse other calls.
      const physicalMemory = os.physicalMemory();
      if (physicalMemory === undefined)
        return problems.length === 0 ? pass("no physical memory offered") : fail(summarize(problems));
      for (const sample of samples) {
        const [read] = physicalMemory.readMany([{ address: sample.physical, length: sample.bytes.length }]);
        if (!read?.ok) problems.push(`${sample.where}: physical ${hex(sample.physical)} does not read`);
        else if (!Bun.deepEquals(read.data, sample.bytes))
          problems.push(`${sample.where}: its first page differs from physical ${hex(sample.physical)}`);
      }
      return problems.length === 0 ? pass(`${samples.length} pages compared`) : fail(summarize(problems));
    },
  },
  {
    id: "partial-read",
    title: "a read across the end of a mapped range reports the unread part, zero-filled",
    run(context) {
      using os = openOs(context);
      let tried = 0;
      const problems = eachProcess(os, (process, info) => {
        const ranges = process.mappedMemRange(-1);
        const inside = (address: bigint) =>
          ranges.some((range) => address >= range.address && address - range.address < range.size);
        const range = ranges.find((candidate) => candidate.size >= 8n && !inside(candidate.address + candidate.size));
        if (range === undefined) return undefined;
        tried += 1;
        const end = range.address + range.size;
        const where = `${processLabel(info)}: 16 bytes at ${hex(end - 8n)}`;
        const [result] = process.readMany([{ address: end - 8n, length: 16 }]);
        if (!result) return `${where}: readMany returned nothing`;
        if (result.ok || result.done !== 8 || result.failed !== 8)
          return `${where} (8 mapped) gave ${result.done} read / ${result.failed} failed bytes`;
        if (result.data.subarray(8).some((byte) => byte !== 0)) return `${where}: the unread part is not zero-filled`;
        const buffer = new Uint8Array(16).fill(0xaa);
        process.readInto(end - 8n, buffer);
        if (buffer.subarray(8).some((byte) => byte !== 0)) return `${where}: readInto left the unread part unfilled`;
        if (!Bun.deepEquals(buffer.subarray(0, 8), result.data.subarray(0, 8)))
          return `${where}: readInto and readMany read different bytes`;
        return undefined;
      });
      if (problems.length > 0) return fail(summarize(problems));
      return pass(tried === 0 ? "no process has a mapped range with an unmapped end" : `${tried} processes`);
    },
  },
];

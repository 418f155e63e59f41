/**
 * Issue 15's second performance target: walking a dummy process's whole mapped address space and
 * reading every page, on a 1 GiB dummy process (`-c dummy:size=2g -o dummy:procs=1`: process 1
 * has its modules, a 2 MiB page and a 1 GiB page), against memflow's README claim that it "walks
 * the entire process virtual address space in under a second". A walk is the map of the address
 * space (`mappedMemRange` / `virtPageMap`) and then `readMany` of every 4 KiB page of it, 256 pages
 * per call, each page its own request. Three ways, interleaved, in the same run:
 *
 * - baseline: the same pages read at their physical addresses through the connector's physical
 *   memory (no map, no translation: the floor any walk pays);
 * - the native dummy OS: its `Process` (map and translation in C, in the plugin);
 * - core's `VirtualMemory` over the same connector (map and translation in TypeScript): the price
 *   of translating in TypeScript.
 *
 * Each way's bytes are checked against the others once (a checksum over every page).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory, type MemoryAccess, type MemoryRange, type ReadRequest, VirtualMemory } from "@memflow-ts/core";
import { formatBytes, formatDuration, median, printTable } from "../../../tooling/bench/measure.ts";
import { bundledPluginDirectory } from "../src/index.ts";

const PAGE = 0x1000;
const PAGES_PER_CALL = 256;
const ROUNDS = 7;

/** Every page of `ranges`, as requests of one page each, PAGES_PER_CALL to a call. */
function pageRequests(ranges: readonly MemoryRange[]): ReadRequest[][] {
  const calls: ReadRequest[][] = [];
  let call: ReadRequest[] = [];
  for (const range of ranges) {
    const start = Number(range.address);
    for (let offset = 0; offset < Number(range.size); offset += PAGE) {
      call.push({ address: start + offset, length: PAGE });
      if (call.length === PAGES_PER_CALL) {
        calls.push(call);
        call = [];
      }
    }
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/** Reads every request; returns a checksum of the pages' first and last words (0 when not asked). */
function readAll(memory: MemoryAccess, calls: readonly ReadRequest[][], sum: boolean): number {
  let checksum = 0;
  for (const call of calls) {
    for (const result of memory.readMany(call)) {
      if (!result.ok) throw new Error(`a mapped page did not read whole at ${result.address.toString(16)}`);
      if (!sum) continue;
      const words = new Uint32Array(result.data.buffer, result.data.byteOffset, PAGE / 4);
      checksum = (Math.imul(checksum, 31) + (words[0] ?? 0) + (words[PAGE / 4 - 1] ?? 0)) | 0;
    }
  }
  return checksum;
}

const cache = mkdtempSync(join(tmpdir(), "memflow-ts-whole-space-bench-"));
try {
  const inventory = Inventory.scanPath(bundledPluginDirectory("dummy", cache));
  inventory.addDir(bundledPluginDirectory("dummy-os", cache));
  using os = inventory.builder().connector("dummy").args(":size=2g").os("dummy").args(":procs=1").build();
  const info = os.processInfoByPid(1);

  // The physical address of every page, as the plugin translates them (untimed: the baseline's input).
  let physicalCalls: ReadRequest[][];
  {
    using process = os.processByPid(1);
    const ranges = process.mappedMemRange(-1);
    const pieces = process.virtualTranslate()?.virtToPhysList(ranges) ?? { translations: [] };
    physicalCalls = pageRequests(
      pieces.translations.map((piece) => ({ address: piece.outPhysical.address, size: piece.size, pageType: 0 })),
    );
  }
  const pages = physicalCalls.reduce((sum, call) => sum + call.length, 0);

  const physical = os.physicalMemory();
  if (!physical) throw new Error("the dummy OS offers no PhysicalMemory");
  const sides = {
    baseline: (sum: boolean) => readAll(physical, physicalCalls, sum),
    native: (sum: boolean) => {
      using process = os.processByPid(1);
      return readAll(process, pageRequests(process.mappedMemRange(-1)), sum);
    },
    typescript: (sum: boolean) => {
      const memory = new VirtualMemory(physical, info.procArch, info);
      return readAll(memory, pageRequests(memory.virtPageMap(-1)), sum);
    },
  };
  const checksums = Object.values(sides).map((side) => side(true));
  if (new Set(checksums).size !== 1) throw new Error(`the three walks read different bytes: ${checksums.join(", ")}`);

  const times: Record<keyof typeof sides, number[]> = { baseline: [], native: [], typescript: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of Object.keys(sides) as (keyof typeof sides)[]) {
      Bun.gc(true);
      const started = Bun.nanoseconds();
      sides[name](false);
      times[name].push((Bun.nanoseconds() - started) / 1e6);
    }
  }

  const row = (label: string, name: keyof typeof sides): string[] => {
    const ms = median(times[name]);
    const ratio = median(times[name].map((value, index) => value / (times.baseline[index] ?? Number.NaN)));
    return [
      label,
      formatDuration(ms),
      `${Math.round(pages / (ms / 1000)).toLocaleString("en")} pages/s`,
      name === "baseline" ? "1.00×" : `${ratio.toFixed(2)}×`,
      ms < 1000 ? `met (${(1000 / ms).toFixed(1)}× under)` : `missed (${(ms / 1000).toFixed(1)} s)`,
    ];
  };
  console.log(
    `Whole mapped address space of dummy process 1 (-c dummy:size=2g -o dummy:procs=1): ${pages.toLocaleString("en")} pages ` +
      `(${formatBytes(pages * PAGE)}), readMany of ${PAGES_PER_CALL} pages a call, medians over ${ROUNDS} interleaved ` +
      `rounds (Bun ${Bun.version}); the three walks read the same bytes\n`,
  );
  printTable(
    ["walk", "map + read every page", "rate", "/ baseline", 'memflow\'s "under a second"'],
    [
      row("baseline: the same pages by physical address (connector)", "baseline"),
      row("native dummy OS: Process.mappedMemRange + Process.readMany", "native"),
      row("core VirtualMemory (TypeScript translation) over the connector", "typescript"),
    ],
  );
} finally {
  rmSync(cache, { recursive: true, force: true });
}

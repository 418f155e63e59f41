/**
 * The demo's second part: the dummy OS over a dummy connector. It lists the processes, opens the
 * first, lists its modules, reads the start of its main module through virtual memory, translates
 * that address (virtToPhys) and reads the same bytes physically: the page tables the OS walks and
 * the memory under it agree. Everything it opened is closed before it returns.
 */
import type { Inventory, ModuleInfo, Os, PhysicalAddress } from "@memflow-ts/core/inventory";
import { printable } from "@memflow-ts/core/plugin-files";
import { MODULE_COLUMNS, MODULE_HEADER, moduleRow } from "../commands/modules.ts";
import { PROCESS_COLUMNS, processRows } from "../commands/ps.ts";
import { CliFailure } from "../failure.ts";
import { hexdump } from "../inventory/hexdump.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { formatTable, type Printer } from "../output.ts";
import { type DummyOsChain, openDummyOs } from "./dummy-os.ts";

/** The chain the demo opens: `-c dummy::size=4m -o dummy::procs=2,seed=7` (native/dummy-os.md says what it holds). */
export const DEMO_OS_CHAIN: DummyOsChain = { size: "4m", procs: 2, seed: 7n };

/** How many bytes of the main module the demo reads, both ways. */
export const DEMO_OS_READ = 32;

/** A page size as people say it: `4 KiB`, `2 MiB`, `1 GiB`. */
function pageSizeText(size: bigint | undefined): string {
  if (size === undefined) return "a page of unknown size";
  for (const [unit, bytes] of [
    ["GiB", 1n << 30n],
    ["MiB", 1n << 20n],
    ["KiB", 1n << 10n],
  ] as const) {
    if (size >= bytes && size % bytes === 0n) return `a ${size / bytes} ${unit} page`;
  }
  return `a page of ${size} bytes`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

/** What the demo takes out of the process before closing it. */
interface MainModuleStart {
  main: ModuleInfo;
  virtual: Uint8Array;
  translation: PhysicalAddress;
}

function lookInsideProcess(out: Printer, os: Os, pid: number): MainModuleStart {
  using process = os.processByPid(pid);
  const modules = process.moduleList();
  // Names come from the plugin: escaped.
  out.success(`Opened pid ${pid} (${printable(process.info().name)}): ${modules.length} modules`);
  out.line(formatTable(MODULE_COLUMNS, [MODULE_HEADER, ...modules.map(moduleRow)]).trimEnd());

  const main = process.primaryModule();
  const virtual = process.read(main.base, DEMO_OS_READ);
  out.success(`Read ${DEMO_OS_READ} bytes at the start of ${printable(main.name)} through virtual memory:`);
  out.line(hexdump(virtual, main.base).trimEnd());
  const translation = process.virtToPhys(main.base);
  out.success(
    `virtToPhys(${formatAddress(main.base)}) = ${formatAddress(translation.address)}, in ${pageSizeText(translation.pageSize)}`,
  );
  return { main, virtual, translation };
}

function lookInside(out: Printer, os: Os): void {
  const processes = os.processInfoList();
  out.success(`${processes.length} process${processes.length === 1 ? "" : "es"}:`);
  out.line(formatTable(PROCESS_COLUMNS, processRows(processes)).trimEnd());
  const first = processes[0];
  if (first === undefined) throw new CliFailure("the dummy OS lists no processes");

  // The process borrows the OS: it is closed before the OS's physical memory is asked for.
  const { main, virtual, translation } = lookInsideProcess(out, os, first.pid);
  const memory = os.physicalMemory();
  if (memory === undefined)
    throw new CliFailure(`the OS ${printable(os.name)} offers no physical memory to compare with`);
  const physical = memory.read(translation.address, DEMO_OS_READ);
  if (!sameBytes(virtual, physical)) {
    throw new CliFailure(
      `the bytes at physical ${formatAddress(translation.address)} differ from those read at virtual ${formatAddress(main.base)}`,
    );
  }
  out.success(
    `Read ${DEMO_OS_READ} bytes at ${formatAddress(translation.address)} physically: identical, the layers agree`,
  );
  out.line(hexdump(physical, translation.address).trimEnd());
}

/** Runs the OS part of the demo; returns the inventory it used, for the closing table. */
export function tourDummyOs(out: Printer, cacheDirectory: string | undefined): Inventory {
  const { size, procs, seed } = DEMO_OS_CHAIN;
  const { os, origin, inventory } = openDummyOs(DEMO_OS_CHAIN, cacheDirectory);
  try {
    out.success(
      `Opened the dummy OS with procs=${procs},seed=${seed} over a dummy connector with size=${size}: ${origin}`,
    );
    lookInside(out, os);
  } finally {
    os.close();
  }
  return inventory;
}

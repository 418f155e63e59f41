/**
 * The testos and testmem plugins built for one test file, an Inventory over them, the plugins'
 * counters (read through dlopen, which shares the library the Inventory loaded), and the values of
 * test-os.md the Process and virtual-memory tests compare against.
 */
import { dlopen } from "bun:ffi";
import { expect } from "bun:test";
import { rmSync } from "node:fs";
import {
  type ArchitectureIdent,
  type ErrorKind,
  type ErrorOrigin,
  Inventory,
  MemflowError,
  type Os,
} from "../../src/index.ts";
import { hostFor } from "../../src/plugin-files.ts";
import { buildTestPlugin, pluginDirectory } from "./build-plugins.ts";

function openCounters(testos: string, testmem: string) {
  const os = dlopen(testos, {
    testos_live: { args: [], returns: "i32" },
    testos_live_processes: { args: [], returns: "i32" },
    testos_live_owning_processes: { args: [], returns: "i32" },
    testos_borrow_violations: { args: [], returns: "i32" },
  }).symbols;
  const memory = dlopen(testmem, { testmem_live_instances: { args: [], returns: "i32" } }).symbols;
  return {
    liveOs: () => os.testos_live(),
    liveProcesses: () => os.testos_live_processes(),
    liveOwningProcesses: () => os.testos_live_owning_processes(),
    borrowViolations: () => os.testos_borrow_violations(),
    liveConnectors: () => memory.testmem_live_instances(),
  };
}

export interface TestosPlugins {
  readonly inventory: Inventory;
  readonly counters: ReturnType<typeof openCounters>;
  /** `testos` (full) or `testosmin` over a fresh `testmem:size=300000` whose bytes are `physicalByte`. */
  open(plugin?: "testos" | "testosmin", extraArgs?: string): Os;
  remove(): void;
}

/** Builds the connector and both OS builds into a temporary folder. */
export function buildTestos(prefix: string): TestosPlugins {
  const directory = pluginDirectory(prefix);
  const testmem = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  const testos = buildTestPlugin(directory, "test-os.c", "libmemflow_testos.so");
  buildTestPlugin(directory, "test-os.c", "libmemflow_testosmin.so", ["-DTESTOS_MINIMAL"]);
  const inventory = Inventory.scanPath(directory, { host: hostFor("linux", process.arch), warn: () => {} });
  return {
    inventory,
    counters: openCounters(testos, testmem),
    open(plugin = "testos", extraArgs = "") {
      const os = inventory
        .builder()
        .connector("testmem")
        .args(":size=300000")
        .os(plugin)
        .args(extraArgs === "" ? "" : `:${extraArgs}`)
        .build();
      fillPhysical(os);
      return os;
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** The connector's size in the tests. */
export const PHYSICAL_SIZE = 0x300000;

/** What every physical byte holds: varies within a page and between pages, so a wrong offset or page shows. */
export function physicalByte(address: number): number {
  return (address * 7 + (address >>> 12) * 13 + 1) & 0xff;
}

/** The physical bytes at [address, address + length), as `physicalByte` fills them. */
export function physicalBytes(address: number, length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, index) => physicalByte(address + index));
}

/** Fills the OS's physical memory (the whole connector) through the OS, which owns the connector. */
function fillPhysical(os: Os): void {
  const memory = os.physicalMemory();
  if (memory === undefined) return; // the minimal build has none: its memory stays zero
  memory.write(0, physicalBytes(0, PHYSICAL_SIZE));
}

export const X86_64: ArchitectureIdent = { kind: "X86", bits: 64, addressExtensions: false };
export const X86_32: ArchitectureIdent = { kind: "X86", bits: 32, addressExtensions: false };

/** Fixed process k's table: 400000–410000 at 100000 + k·10000, hole 405000–406000 (test-os.md). */
export const PROCESS_MEMORY = { START: 0x400000, END: 0x410000, HOLE: 0x405000, HOLE_END: 0x406000 } as const;

/** Where a fixed process's virtual address lies in physical memory, or undefined in the hole or outside. */
export function processPhysical(k: number, address: number): number | undefined {
  if (address >= PROCESS_MEMORY.HOLE && address < PROCESS_MEMORY.HOLE_END) return undefined;
  if (address >= PROCESS_MEMORY.START && address < PROCESS_MEMORY.END)
    return 0x100000 + k * 0x10000 + (address - PROCESS_MEMORY.START);
  if (k === 0 && address >= 0x10000000 && address < 0x10100000) return 0x200000 + (address - 0x10000000);
  return undefined;
}

/** What reading [address, address + length) of fixed process k must give: mapped bytes, zero elsewhere. */
export function processBytes(k: number, address: number, length: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, index) => {
    const physical = processPhysical(k, address + index);
    return physical === undefined ? 0 : physicalByte(physical);
  });
}

/** Runs `run`, which must throw the MemflowError (origin, kind); returns it for more checks. */
export function expectMemflowError(run: () => unknown, origin: ErrorOrigin, kind: ErrorKind): MemflowError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MemflowError);
  const error = thrown as MemflowError;
  expect({ origin: error.origin, kind: error.kind }).toEqual({ origin, kind });
  return error;
}

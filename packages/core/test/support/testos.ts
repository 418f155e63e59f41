/**
 * The testos and testmem plugins built for one test file, an Inventory over them, and the values
 * of test-os.md the OS, Process and virtual-memory tests compare against (the plugins' counters
 * are testos-ledger.ts).
 */
import { expect } from "bun:test";
import { rmSync } from "node:fs";
import {
  type ArchitectureIdent,
  type ErrorKind,
  type ErrorOrigin,
  INVALID_ADDRESS,
  Inventory,
  MemflowError,
  type Os,
  type ProcessInfo,
} from "../../src/index.ts";
import { hostFor } from "../../src/plugin-files.ts";
import { buildTestPlugin, pluginDirectory } from "./build-plugins.ts";

export interface TestosPlugins {
  readonly inventory: Inventory;
  /** `testos` (full) or `testosmin` over a fresh `testmem:size=300000` whose bytes are `physicalByte`. */
  open(plugin?: "testos" | "testosmin", extraArgs?: string): Os;
  /** Runs `check` with a fresh OS from `open`, closed afterwards whatever happens. */
  withOs(check: (os: Os) => void, plugin?: "testos" | "testosmin", extraArgs?: string): void;
  remove(): void;
}

/** Builds the connector and both OS builds into a temporary folder. */
export function buildTestos(prefix: string): TestosPlugins {
  const directory = pluginDirectory(prefix);
  buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  buildTestPlugin(directory, "test-os.c", "libmemflow_testos.so");
  buildTestPlugin(directory, "test-os.c", "libmemflow_testosmin.so", ["-DTESTOS_MINIMAL"]);
  const inventory = Inventory.scanPath(directory, { host: hostFor("linux", process.arch), warn: () => {} });
  const plugins: TestosPlugins = {
    inventory,
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
    withOs(check, plugin, extraArgs) {
      const os = plugins.open(plugin, extraArgs);
      try {
        check(os);
      } finally {
        os.close();
      }
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
  return plugins;
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

/** Fixed process k of test-os.md: at (k + 1)·1000, dtb (k + 1)·10000, legacy32 (pid 300) emulated x86-32. */
function fixedProcess(
  k: number,
  pid: number,
  name: string,
  state: ProcessInfo["state"],
  path: string,
  commandLine: string,
): ProcessInfo {
  return {
    address: BigInt((k + 1) * 0x1000),
    pid,
    state,
    name,
    path,
    commandLine,
    sysArch: X86_64,
    procArch: pid === 300 ? X86_32 : X86_64,
    dtb1: BigInt((k + 1) * 0x10000),
    dtb2: INVALID_ADDRESS,
  };
}

/** test-os.md's five fixed processes, in list order. */
export const FIXED_PROCESSES = [
  fixedProcess(0, 1, "init", { kind: "Alive" }, "/sbin/init", "/sbin/init splash"),
  fixedProcess(1, 20, "shell", { kind: "Dead", exitCode: 3 }, "/bin/sh", 'sh -c "exit 3"'),
  fixedProcess(2, 36, "shell", { kind: "Alive" }, "/bin/sh", "/bin/sh -l"),
  fixedProcess(3, 300, "legacy32", { kind: "Alive" }, "C:\\legacy\\legacy32.exe", "legacy32.exe /quiet"),
  fixedProcess(4, 4242, "dæmon", { kind: "Unknown" }, "/usr/sbin/dæmon", "dæmon --foreground"),
] as const;

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

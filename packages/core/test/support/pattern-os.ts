/**
 * `patternos`, a TypeScript OS layer for tests that hand one to a native connector: two
 * processes, `alpha` (pid 1) and `beta` (pid 2), each with two modules and a virtual memory of
 * PROCESS_SIZE bytes from 0 whose bytes are `processByte(pid, address)`. `alpha` offers a
 * translation: its memory is one run at physical `ALPHA_PHYSICAL`, in 4 KiB writeable pages. It
 * counts its closes and can be made to throw from its reads (`failing`). It ignores its input.
 */
import { MemflowError } from "../../src/error.ts";
import type {
  ReadRequest,
  ReadResult,
  TransferResult,
  VirtualTranslate,
  VirtualTranslation,
  WriteRequest,
} from "../../src/index.ts";
import { defineOs, INVALID_ADDRESS, type ModuleInfo, type OsDefinition, type ProcessInfo } from "../../src/index.ts";
import { readWhole } from "../../src/memory/partial-data.ts";
import type { AuthorMemory } from "../../src/script/os-definition.ts";

export const PROCESS_SIZE = 0x4000;
export const ALPHA_PHYSICAL = 0x20_0000n;
const PAGE = 0x1000n;
const X64 = { kind: "X86", bits: 64, addressExtensions: false } as const;

export function processByte(pid: number, address: number): number {
  return (address * 5 + (address >>> 8) * 3 + pid * 41) & 0xff;
}

export function patternInfo(pid: number, name: string): ProcessInfo {
  return Object.freeze({
    address: 0x1000n * BigInt(pid),
    pid,
    state: { kind: "Alive" } as const,
    name,
    path: `/bin/${name}`,
    commandLine: `/bin/${name} --pattern`,
    sysArch: X64,
    procArch: X64,
    dtb1: 0x10_0000n * BigInt(pid),
    dtb2: INVALID_ADDRESS,
  });
}

function modulesOf(info: ProcessInfo): ModuleInfo[] {
  return ["main", "libpattern.so"].map((name, index) =>
    Object.freeze({
      address: info.address + 0x100n * BigInt(index + 1),
      parentProcess: info.address,
      base: 0x1000n * BigInt(index + 1),
      size: 0x1000n,
      name: index === 0 ? info.name : name,
      path: index === 0 ? info.path : `/lib/${name}`,
      arch: X64,
    }),
  );
}

export interface PatternOs {
  readonly definition: OsDefinition;
  closes: number;
  failing: boolean;
}

/** A process's virtual memory: its bytes, writable, and a throwing read while `state.failing`. */
function memoryOf(bytes: Uint8Array, state: PatternOs): AuthorMemory {
  const readInto = (address: bigint | number, buffer: Uint8Array) => {
    if (state.failing) throw new RangeError("the pattern went away");
    const start = Number(address);
    if (start >= bytes.length) return 0;
    const part = bytes.subarray(start, start + buffer.length);
    buffer.set(part);
    return part.length;
  };
  const write = (address: bigint | number, data: Uint8Array) => {
    if (Number(address) + data.length > bytes.length)
      throw new MemflowError("VirtualMemory", "PartialData", "written past the pattern's end");
    bytes.set(data, Number(address));
  };
  const result = (done: number, length: number): TransferResult => ({
    done,
    failed: length - done,
    ok: done === length,
  });
  return {
    readInto,
    read: (address, length) => readWhole(readInto, address, length, "the pattern"),
    readMany: (requests: readonly ReadRequest[]): ReadResult[] =>
      requests.map(({ address, length }) => {
        const data = new Uint8Array(length);
        return { address: BigInt(address), data, ...result(readInto(address, data), length) };
      }),
    write,
    writeMany: (requests: readonly WriteRequest[]) =>
      requests.map(({ address, data }) => {
        write(address, data);
        return result(data.length, data.length);
      }),
  };
}

/** alpha's translation: [0, PROCESS_SIZE) at ALPHA_PHYSICAL, page by page. */
function alphaTranslate(): VirtualTranslate {
  const size = BigInt(PROCESS_SIZE);
  const physical = (address: bigint) => ({ address: ALPHA_PHYSICAL + address, pageType: 4, pageSize: PAGE });
  const unmapped = (address: bigint) =>
    new MemflowError("VirtualTranslate", "OutOfBounds", `${address.toString(16)} is not mapped`);
  const pieces = (start: bigint, end: bigint): VirtualTranslation[] => {
    const found: VirtualTranslation[] = [];
    for (let at = start; at < end && at < size; at = (at / PAGE + 1n) * PAGE) {
      const next = (at / PAGE + 1n) * PAGE;
      found.push({ inVirtual: at, size: (next < end ? next : end) - at, outPhysical: physical(at) });
    }
    return found;
  };
  const toPhys = (address: bigint | number) => {
    if (BigInt(address) >= size) throw unmapped(BigInt(address));
    return physical(BigInt(address));
  };
  return {
    virtToPhys: toPhys,
    virtPageInfo: (address) => ({ pageType: 4, pageBase: (toPhys(address).address / PAGE) * PAGE, pageSize: PAGE }),
    virtToPhysList: (ranges) => {
      const translations = ranges.flatMap((range) =>
        pieces(BigInt(range.address), BigInt(range.address) + BigInt(range.size)),
      );
      const failures = ranges
        .map((range) => ({ from: BigInt(range.address), end: BigInt(range.address) + BigInt(range.size) }))
        .filter((range) => range.end > size)
        .map((range) => ({
          from: range.from > size ? range.from : size,
          size: range.end - (range.from > size ? range.from : size),
        }));
      return { translations, failures };
    },
    virtToPhysRange: (start, end) => pieces(BigInt(start), BigInt(end)),
    virtTranslationMap: () => [{ inVirtual: 0n, size, outPhysical: physical(0n) }],
    virtPageMap: () => [{ address: 0n, size, pageType: 4 }],
    physToVirt: (address) => (BigInt(address) === ALPHA_PHYSICAL ? 0n : undefined),
  };
}

export function patternOs(): PatternOs {
  const state: PatternOs = {
    closes: 0,
    failing: false,
    definition: defineOs<Omit<OsDefinition, "kind">>({
      name: "patternos",
      version: "0.1.0",
      description: "two processes with patterned memory",
      create: () => {
        const processes = [patternInfo(1, "alpha"), patternInfo(2, "beta")];
        const memories = new Map(
          processes.map((info) => [
            info.pid,
            Uint8Array.from({ length: PROCESS_SIZE }, (_, at) => processByte(info.pid, at)),
          ]),
        );
        return {
          info: () => ({ base: 0xffff_8000_0000_0000n, size: 0x10_0000n, arch: X64 }),
          processInfoList: () => processes,
          process: (info) => ({
            memory: memoryOf(memories.get(info.pid) ?? new Uint8Array(0), state),
            moduleList: () => modulesOf(info),
            ...(info.pid === 1 ? { virtualTranslate: alphaTranslate } : {}),
          }),
          kernel: { moduleList: () => modulesOf(patternInfo(0, "kernel")) },
          close: () => {
            state.closes += 1;
          },
        };
      },
    }),
  };
  return state;
}

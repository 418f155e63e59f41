/**
 * readBatch and writeBatch (src/memory/batch-results.ts), the columnar batched calls every memory
 * has: a native connector's physical memory, a testos process's and the kernel's virtual memory
 * (test-os.md), and a connector written in TypeScript. Each column must say what the bytes say
 * (test-os.md's values), and agree with readMany's objects for the same requests.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { MemoryAccess, ReadRequest, ReadResults } from "../src/index.ts";
import { ScriptConnector } from "../src/script/script-connector.ts";
import { countingMemory } from "./support/page-tables.ts";
import {
  buildTestos,
  expectMemflowError,
  PHYSICAL_SIZE,
  PROCESS_MEMORY,
  physicalBytes,
  processBytes,
} from "./support/testos.ts";

const plugins = buildTestos("memflow-ts-batch-results-");
afterAll(() => plugins.remove());

const { HOLE, HOLE_END } = PROCESS_MEMORY;
const KERNEL = 0xfffff80000000000n;

/** Request `index`'s bytes as the columns give them, through `bytes` and `offset(i)`. */
function columnBytes(results: ReadResults, index: number): Uint8Array {
  const offset = results.offset(index);
  return results.bytes.slice(offset, offset + results.length(index));
}

/** What each request should give: its bytes (zero where unread) and how many were read. */
interface Expected {
  bytes: Uint8Array;
  done: number;
}

/** readBatch's columns against `expected`, and readMany's objects against the columns. */
function expectBatch(memory: MemoryAccess, requests: readonly ReadRequest[], expected: readonly Expected[]): void {
  const results = memory.readBatch(requests);
  expect(results.count).toBe(requests.length);
  for (const [index, request] of requests.entries()) {
    const want = expected[index] as Expected;
    expect({
      address: results.address(index),
      bytes: columnBytes(results, index),
      data: results.data(index),
      done: results.done(index),
      failed: results.failed(index),
      ok: results.ok(index),
    }).toEqual({
      address: BigInt(request.address),
      bytes: want.bytes,
      data: want.bytes,
      done: want.done,
      failed: request.length - want.done,
      ok: want.done === request.length,
    });
  }
  expect(results.allOk()).toBe(expected.every((want, index) => want.done === requests[index]?.length));
  expect(memory.readMany(requests)).toEqual([...results]);
}

function withProcess(pid: number, check: (process: MemoryAccess & Disposable) => void): void {
  plugins.withOs((os) => {
    using process = os.processByPid(pid);
    check(process);
  });
}

describe("readBatch on a native OS", () => {
  test("a process: whole, across the hole (zero-filled, reported), unmapped, beyond 2^53, empty", () => {
    withProcess(1, (process) => {
      expectBatch(
        process,
        [
          { address: 0x400010, length: 16 },
          { address: HOLE - 0x10, length: 0x20 },
          { address: HOLE, length: 8 },
          { address: 0x90000000, length: 4 },
          { address: 0xffff_8000_0000_0001n, length: 8 },
          { address: 0x400000, length: 0 },
          { address: HOLE_END - 4, length: 8 },
          { address: 0x402800n, length: 0x2000 },
        ],
        [
          { bytes: processBytes(0, 0x400010, 16), done: 16 },
          { bytes: Uint8Array.from([...processBytes(0, HOLE - 0x10, 0x10), ...new Uint8Array(0x10)]), done: 0x10 },
          { bytes: new Uint8Array(8), done: 0 },
          { bytes: new Uint8Array(4), done: 0 },
          { bytes: new Uint8Array(8), done: 0 },
          { bytes: new Uint8Array(0), done: 0 },
          { bytes: Uint8Array.from([...new Uint8Array(4), ...processBytes(0, HOLE_END, 4)]), done: 4 },
          { bytes: processBytes(0, 0x402800, 0x2000), done: 0x2000 },
        ],
      );
    });
  });

  test("64 eight-byte reads, some in the hole: each at its offset, bytes back to back in request order", () => {
    withProcess(36, (process) => {
      const requests = Array.from({ length: 64 }, (_, index) => ({
        address: HOLE - 0x2000 + index * 0x100 + 3,
        length: 8,
      }));
      const results = process.readBatch(requests);
      expect(results.bytes).toHaveLength(64 * 8);
      for (const [index, { address }] of requests.entries()) {
        expect(results.offset(index)).toBe(index * 8);
        const inHole = address + 8 > HOLE && address < HOLE_END;
        expect(results.ok(index)).toBe(!inHole);
        if (!inHole) {
          const expected = processBytes(2, address, 8);
          expect(columnBytes(results, index)).toEqual(expected);
          // The README's way to a pointer: the DataView over every request's bytes.
          expect(results.view.getBigUint64(results.offset(index), true)).toBe(
            new DataView(expected.buffer).getBigUint64(0, true),
          );
        }
      }
      expect(process.readMany(requests)).toEqual([...results]);
    });
  });

  test("the kernel's view, whose addresses are past 2^53, reads exactly where they point", () => {
    plugins.withOs((os) => {
      const view = os.memoryView();
      if (view === undefined) throw new Error("the full build has a kernel MemoryView");
      expectBatch(
        view,
        [
          { address: KERNEL + 0x123n, length: 32 },
          { address: KERNEL + 0x1ff0n, length: 0x20 },
          { address: KERNEL + 0x10000n, length: 8 },
        ],
        [
          { bytes: physicalBytes(0x123, 32), done: 32 },
          { bytes: Uint8Array.from([...physicalBytes(0x1ff0, 0x10), ...new Uint8Array(0x10)]), done: 0x10 },
          { bytes: new Uint8Array(8), done: 0 },
        ],
      );
    });
  });
});

describe("readBatch on connectors", () => {
  test("a native connector: whole, past its end (partly and wholly), at 2^60", () => {
    plugins.withOs((os) => {
      const physical = os.physicalMemory();
      if (physical === undefined) throw new Error("the full build has PhysicalMemory");
      expectBatch(
        physical,
        [
          { address: 0x1000, length: 64 },
          { address: PHYSICAL_SIZE - 4, length: 8 },
          { address: PHYSICAL_SIZE + 0x1000, length: 4 },
          { address: 2n ** 60n, length: 4 },
        ],
        [
          { bytes: physicalBytes(0x1000, 64), done: 64 },
          { bytes: Uint8Array.from([...physicalBytes(PHYSICAL_SIZE - 4, 4), 0, 0, 0, 0]), done: 4 },
          { bytes: new Uint8Array(4), done: 0 },
          { bytes: new Uint8Array(4), done: 0 },
        ],
      );
    });
  });

  test("a connector written in TypeScript gives the same columns", () => {
    // A ScriptConnector over 256 bytes (0, 1, … 255), which reads up to their end.
    const connector = countingMemory(Uint8Array.from({ length: 0x100 }, (_, index) => index));
    expectBatch(
      connector,
      [
        { address: 0x10, length: 4 },
        { address: 0xfe, length: 4 },
        { address: 2n ** 63n, length: 2 },
        { address: 0, length: 0 },
      ],
      [
        { bytes: Uint8Array.from([0x10, 0x11, 0x12, 0x13]), done: 4 },
        { bytes: Uint8Array.from([0xfe, 0xff, 0, 0]), done: 2 },
        { bytes: new Uint8Array(2), done: 0 },
        { bytes: new Uint8Array(0), done: 0 },
      ],
    );
  });
});

describe("edges", () => {
  test("an empty batch, and one of empty requests only, read nothing and report every request whole", () => {
    withProcess(1, (process) => {
      const empty = process.readBatch([]);
      expect({ count: empty.count, bytes: empty.bytes.length, all: [...empty], ok: empty.allOk() }).toEqual({
        count: 0,
        bytes: 0,
        all: [],
        ok: true,
      });
      const zero = process.readBatch([
        { address: HOLE, length: 0 },
        { address: 0x400000, length: 0 },
      ]);
      expect([...zero]).toEqual([
        { address: BigInt(HOLE), data: new Uint8Array(0), done: 0, failed: 0, ok: true },
        { address: 0x400000n, data: new Uint8Array(0), done: 0, failed: 0, ok: true },
      ]);
      expect([...process.writeBatch([])]).toEqual([]);
    });
  });

  test("asking for a request outside the batch throws (Other, InvalidArgument)", () => {
    withProcess(1, (process) => {
      const results = process.readBatch([{ address: 0x400000, length: 8 }]);
      expectMemflowError(() => results.done(1), "Other", "InvalidArgument");
      expectMemflowError(() => results.offset(-1), "Other", "InvalidArgument");
      expectMemflowError(() => results.ok(Number.NaN), "Other", "InvalidArgument");
      expectMemflowError(() => results.address(0.5), "Other", "InvalidArgument");
    });
  });

  test("after close, readBatch and writeBatch throw (Ffi, Uninitialized); results taken before stay readable", () => {
    const os = plugins.open();
    const process = os.processByPid(1);
    const before = process.readBatch([{ address: 0x400000, length: 8 }]);
    process.close();
    expectMemflowError(() => process.readBatch([{ address: 0x400000, length: 8 }]), "Ffi", "Uninitialized");
    expectMemflowError(() => process.readBatch([]), "Ffi", "Uninitialized");
    expectMemflowError(
      () => process.writeBatch([{ address: 0x400000, data: new Uint8Array(1) }]),
      "Ffi",
      "Uninitialized",
    );
    expect(columnBytes(before, 0)).toEqual(processBytes(0, 0x400000, 8));
    os.close();
    const connector = ScriptConnector.create({
      name: "none",
      version: "0",
      description: "no bytes",
      create: () => ({ metadata: () => ({ realSize: 0 }), read: () => 0 }),
    });
    connector.close();
    expectMemflowError(() => connector.readBatch([]), "Ffi", "Uninitialized");
  });
});

describe("writeBatch", () => {
  test("reports each write as writeMany does: whole, partly in the hole, in it; the bytes land", () => {
    withProcess(1, (process) => {
      const requests = [
        { address: 0x400100, data: Uint8Array.from([1, 2, 3, 4]) },
        { address: HOLE_END - 2, data: Uint8Array.from([5, 6, 7, 8]) },
        { address: HOLE + 0x10, data: Uint8Array.from([9, 9]) },
        { address: 0x400200, data: new Uint8Array(0x1800).fill(0x5a) },
      ];
      const results = process.writeBatch(requests);
      expect([0, 1, 2, 3].map((index) => [results.done(index), results.failed(index), results.ok(index)])).toEqual([
        [4, 0, true],
        [2, 2, false],
        [0, 2, false],
        [0x1800, 0, true],
      ]);
      expect(process.read(0x400100, 4)).toEqual(Uint8Array.from([1, 2, 3, 4]));
      expect(process.read(HOLE_END, 2)).toEqual(Uint8Array.from([7, 8]));
      expect(process.read(0x400200, 0x1800)).toEqual(new Uint8Array(0x1800).fill(0x5a));
      expect(process.writeMany(requests)).toEqual([...results]);
    });
  });
});

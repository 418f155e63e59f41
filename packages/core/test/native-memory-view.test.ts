/**
 * Virtual memory through a native plugin's MemoryView (src/ffi/native-memory-view.ts and the
 * shim's batched transfers): a process's address space and the OS kernel's, against testos's
 * translation tables (test-os.md) over testmem's physical memory. Unmapped parts are reported per
 * request and zero-filled, never thrown, except by the single-range `read` and `write`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { type Os, type Process, TransferBatch } from "../src/index.ts";
import {
  buildTestos,
  expectMemflowError,
  PROCESS_MEMORY,
  physicalByte,
  physicalBytes,
  processBytes,
  processPhysical,
} from "./support/testos.ts";

const plugins = buildTestos("memflow-ts-memory-view-");
afterAll(() => plugins.remove());

/** Runs `check` with process `pid` of a fresh OS (pid 1 is fixed process 0, 36 is 2), closing both after. */
function withProcess(pid: number, check: (process: Process, os: Os) => void): void {
  const os = plugins.open();
  try {
    using process = os.processByPid(pid);
    check(process, os);
  } finally {
    os.close();
  }
}

const { HOLE, HOLE_END } = PROCESS_MEMORY;

describe("a process's reads", () => {
  test("read and readInto give the bytes the table maps each address to", () => {
    withProcess(36, (process) => {
      expect(process.read(0x400000, 64)).toEqual(processBytes(2, 0x400000, 64));
      expect(process.read(0x40fff0, 16)).toEqual(physicalBytes(0x12fff0, 16));
      const buffer = new Uint8Array(0x2000);
      expect(process.readInto(0x402800n, buffer)).toBe(0x2000);
      expect(buffer).toEqual(processBytes(2, 0x402800, 0x2000));
      expect(process.read(0x400000, 0)).toEqual(new Uint8Array(0));
    });
  });

  test("read throws (VirtualMemory, PartialData) across the hole; readInto counts up to it and zero-fills it", () => {
    withProcess(36, (process) => {
      const error = expectMemflowError(() => process.read(HOLE - 4, 8), "VirtualMemory", "PartialData");
      expect(error.message).toContain("4 of 8 bytes at 0x404ffc");
      const buffer = new Uint8Array(16).fill(0xee);
      expect(process.readInto(HOLE - 8, buffer)).toBe(8);
      expect(buffer).toEqual(processBytes(2, HOLE - 8, 16));
      expect(buffer.subarray(8).every((byte) => byte === 0)).toBe(true);
      // Bytes after the hole are read, but none from the start of the buffer.
      const after = new Uint8Array(16).fill(0xee);
      expect(process.readInto(HOLE_END - 8, after)).toBe(0);
      expect(after).toEqual(processBytes(2, HOLE_END - 8, 16));
    });
  });

  test("readMany reports each request: whole, across the hole, unmapped, beyond 2^53", () => {
    withProcess(1, (process) => {
      const results = process.readMany([
        { address: 0x400010, length: 16 },
        { address: HOLE - 0x10, length: 0x20 },
        { address: HOLE, length: 8 },
        { address: 0x90000000, length: 4 },
        { address: 0xffff_8000_0000_0000n, length: 8 },
        { address: HOLE_END - 4, length: 8 },
      ]);
      expect(results.map(({ address, done, failed, ok }) => ({ address, done, failed, ok }))).toEqual([
        { address: 0x400010n, done: 16, failed: 0, ok: true },
        { address: BigInt(HOLE - 0x10), done: 0x10, failed: 0x10, ok: false },
        { address: BigInt(HOLE), done: 0, failed: 8, ok: false },
        { address: 0x90000000n, done: 0, failed: 4, ok: false },
        { address: 0xffff_8000_0000_0000n, done: 0, failed: 8, ok: false },
        { address: BigInt(HOLE_END - 4), done: 4, failed: 4, ok: false },
      ]);
      expect(results.map((result) => result.data)).toEqual([
        processBytes(0, 0x400010, 16),
        processBytes(0, HOLE - 0x10, 0x20),
        new Uint8Array(8),
        new Uint8Array(4),
        new Uint8Array(8),
        processBytes(0, HOLE_END - 4, 8),
      ]);
    });
  });

  test("a request over the whole table reads all but the hole, which is zero; one over 1 MiB reads it all", () => {
    withProcess(1, (process) => {
      const [table, region] = process.readMany([
        { address: PROCESS_MEMORY.START, length: PROCESS_MEMORY.END - PROCESS_MEMORY.START },
        { address: 0x10000000, length: 0x100000 },
      ]);
      expect(table).toMatchObject({ done: 0xf000, failed: 0x1000, ok: false });
      expect(table?.data).toEqual(processBytes(0, PROCESS_MEMORY.START, 0x10000));
      expect(region).toMatchObject({ done: 0x100000, failed: 0, ok: true });
      expect(region?.data).toEqual(physicalBytes(0x200000, 0x100000));
      expect(process.read(0x10000000 + 0xff000, 0x1000)).toEqual(physicalBytes(0x2ff000, 0x1000));
    });
  });

  test("64 eight-byte reads in one batch, some in the hole, each right", () => {
    withProcess(36, (process) => {
      // Every address is 4 past a multiple of 8, so a request that crosses a page edge splits 4 + 4.
      const requests = Array.from({ length: 64 }, (_, index) => ({ address: 0x400ffc + index * 0x3f8, length: 8 }));
      const results = process.readMany(requests);
      expect(results).toHaveLength(64);
      let failed = 0;
      for (const [index, request] of requests.entries()) {
        const mapped = [0, 4].filter((offset) => processPhysical(2, request.address + offset) !== undefined).length;
        failed += 8 - mapped * 4;
        expect({ index, ...results[index] }).toEqual({
          index,
          address: BigInt(request.address),
          data: processBytes(2, request.address, 8),
          done: mapped * 4,
          failed: 8 - mapped * 4,
          ok: mapped === 2,
        });
      }
      // The hole holds (0x1000 / 0x3f8) ≈ 4 of the requests, and one straddles each of its edges.
      expect(failed).toBeGreaterThan(0);
    });
  });

  test("1000 reads in one batch over init's 1 MiB region and its table, each right", () => {
    withProcess(1, (process) => {
      const requests = Array.from({ length: 1000 }, (_, index) => {
        const inRegion = index % 3 !== 0;
        const address = inRegion ? 0x10000000 + ((index * 0x10c3) % 0x100000) : 0x400000 + ((index * 0x61) % 0x10000);
        return { address, length: 1 + (index % 24) };
      });
      const results = process.readMany(requests);
      const wrong = requests.filter((request, index) => {
        const expected = processBytes(0, request.address, request.length);
        const unmapped = Array.from({ length: request.length }, (_, offset) =>
          processPhysical(0, request.address + offset),
        ).filter((physical) => physical === undefined).length;
        const result = results[index];
        return (
          result === undefined ||
          result.failed !== unmapped ||
          result.done !== request.length - unmapped ||
          !Buffer.from(result.data).equals(Buffer.from(expected))
        );
      });
      expect(wrong).toEqual([]);
      expect(results.filter((result) => !result.ok).length).toBeGreaterThan(0);
    });
  });

  test("a reusable TransferBatch runs against a process as against a connector", () => {
    withProcess(36, (process) => {
      const batch = new TransferBatch(8);
      const buffers = Array.from({ length: 8 }, () => new Uint8Array(4));
      for (const [index, buffer] of buffers.entries()) batch.add(0x404ff8 + index * 2, buffer);
      process.run(batch);
      const counts = buffers.map((_, index) => [batch.done(index), batch.failed(index)]);
      expect(counts).toEqual([
        [4, 0],
        [4, 0],
        [4, 0],
        [2, 2],
        [0, 4],
        [0, 4],
        [0, 4],
        [0, 4],
      ]);
      expect(buffers).toEqual(buffers.map((_, index) => processBytes(2, 0x404ff8 + index * 2, 4)));
    });
  });

  test("metadata is the connector's size, little-endian, 32 bits wide for legacy32", () => {
    withProcess(36, (process, os) => {
      expect(process.metadata()).toEqual({
        maxAddress: 0x2fffffn,
        realSize: 0x300000n,
        readonly: false,
        littleEndian: true,
        archBits: 64,
      });
      process.close();
      using legacy = os.processByPid(300);
      expect(legacy.metadata().archBits).toBe(32);
    });
  });
});

describe("a process's writes", () => {
  test("write lands where the table maps it: read back, and seen in physical memory after", () => {
    const os = plugins.open();
    try {
      const bytes = new TextEncoder().encode("written through a virtual address");
      const process = os.processByPid(300);
      process.write(0x404f00, bytes);
      expect(process.read(0x404f00, bytes.length)).toEqual(bytes);
      process.close();
      const physical = 0x100000 + 3 * 0x10000 + 0x4f00;
      expect(os.physicalMemory()?.read(physical, bytes.length)).toEqual(bytes);
      expect(os.physicalMemory()?.read(physical + bytes.length, 1)[0]).toBe(physicalByte(physical + bytes.length));
    } finally {
      os.close();
    }
  });

  test("a write over several pages lands on each of them", () => {
    const os = plugins.open();
    try {
      const bytes = Uint8Array.from({ length: 0x2c00 }, (_, index) => (index * 31) & 0xff);
      const process = os.processByPid(1);
      process.write(0x401a00, bytes);
      expect(process.read(0x401000, 0x4000)).toEqual(
        Uint8Array.from([...processBytes(0, 0x401000, 0xa00), ...bytes, ...processBytes(0, 0x404600, 0xa00)]),
      );
      process.close();
      expect(os.physicalMemory()?.read(0x101a00, bytes.length)).toEqual(bytes);
    } finally {
      os.close();
    }
  });

  test("write throws (VirtualMemory, PartialData) into the hole, having written the mapped part", () => {
    withProcess(36, (process) => {
      const bytes = new Uint8Array(16).fill(0x5a);
      const error = expectMemflowError(() => process.write(HOLE - 8, bytes), "VirtualMemory", "PartialData");
      expect(error.message).toContain("8 of 16 bytes at 0x404ff8 could not be written to");
      expect(process.read(HOLE - 8, 8)).toEqual(bytes.subarray(0, 8));
    });
  });

  test("writeMany reports each request: whole, partial, in the hole, unmapped", () => {
    withProcess(1, (process) => {
      const results = process.writeMany([
        { address: 0x400100, data: new Uint8Array([1, 2, 3, 4]) },
        { address: HOLE_END - 2, data: new Uint8Array([5, 6, 7, 8]) },
        { address: HOLE + 0x10, data: new Uint8Array([9, 9]) },
        { address: 0x20000000, data: new Uint8Array(0x1800).fill(1) },
        { address: 0x100fff00, data: new Uint8Array(0x100).fill(0x77) },
      ]);
      expect(results).toEqual([
        { done: 4, failed: 0, ok: true },
        { done: 2, failed: 2, ok: false },
        { done: 0, failed: 2, ok: false },
        { done: 0, failed: 0x1800, ok: false },
        { done: 0x100, failed: 0, ok: true },
      ]);
      expect(process.read(0x400100, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
      expect(process.read(0x100fff00, 0x100)).toEqual(new Uint8Array(0x100).fill(0x77));
      // HOLE_END - 2 is in the hole: only the two bytes after it were written.
      expect(process.read(HOLE_END, 2)).toEqual(new Uint8Array([7, 8]));
      expect(process.readMany([{ address: HOLE, length: 0x1000 }])[0]).toMatchObject({ done: 0, failed: 0x1000 });
    });
  });
});

describe("the kernel's memory (Os.memoryView)", () => {
  const KERNEL = 0xfffff80000000000n;

  test("reads the kernel table at physical 0, with its hole zero-filled and reported", () => {
    const os = plugins.open();
    try {
      const view = os.memoryView();
      if (view === undefined) throw new Error("the full build has a kernel MemoryView");
      expect(view.read(KERNEL + 0x123n, 32)).toEqual(physicalBytes(0x123, 32));
      const [start, hole, after, outside] = view.readMany([
        { address: KERNEL, length: 0x10 },
        { address: KERNEL + 0x1ff0n, length: 0x20 },
        { address: KERNEL + 0x3000n, length: 0xd000 },
        { address: KERNEL + 0x10000n, length: 8 },
      ]);
      expect(start).toMatchObject({ address: KERNEL, done: 0x10, failed: 0, ok: true });
      expect(start?.data).toEqual(physicalBytes(0, 0x10));
      expect(hole).toMatchObject({ done: 0x10, failed: 0x10, ok: false });
      expect(hole?.data).toEqual(Uint8Array.from([...physicalBytes(0x1ff0, 0x10), ...new Uint8Array(0x10)]));
      expect(after).toMatchObject({ done: 0xd000, failed: 0, ok: true });
      expect(after?.data).toEqual(physicalBytes(0x3000, 0xd000));
      expect(outside).toMatchObject({ done: 0, failed: 8, ok: false });
      expectMemflowError(() => view.read(KERNEL + 0x2000n, 1), "VirtualMemory", "PartialData");
      expect(view.metadata()).toMatchObject({ realSize: 0x300000n, littleEndian: true, archBits: 64 });
    } finally {
      os.close();
    }
  });

  test("writes through the kernel view reach physical memory", () => {
    const os = plugins.open();
    try {
      const view = os.memoryView();
      const written = view?.writeMany([
        { address: KERNEL + 0x1ffen, data: new Uint8Array([0xa1, 0xa2, 0xa3, 0xa4]) },
        { address: KERNEL + 0x4000n, data: new Uint8Array([0xb1]) },
      ]);
      expect(written).toEqual([
        { done: 2, failed: 2, ok: false },
        { done: 1, failed: 0, ok: true },
      ]);
      expect(os.physicalMemory()?.read(0x1ffe, 3)).toEqual(new Uint8Array([0xa1, 0xa2, physicalByte(0x2000)]));
      expect(os.physicalMemory()?.read(0x4000, 1)).toEqual(new Uint8Array([0xb1]));
    } finally {
      os.close();
    }
  });
});

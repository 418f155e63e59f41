/**
 * writeEach (src/memory/each-requests.ts): items of one size, addresses in a BigUint64Array, bytes
 * back to back in one buffer; a native memory's shim lays the batch out itself. Through the
 * gcc-built testmem connector, a testos process and the TypeScript memories (a connector, the OS
 * layer's VirtualMemory): the bytes land, each item's outcome is what writeBatch reports for the
 * same writes, every bound is refused before anything is written, and a reused table never shows
 * an earlier batch's outcomes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { MemoryAccess, TransferResults } from "../src/index.ts";
import { VirtualMemory } from "../src/index.ts";
import { counting, withConnector } from "./support/batch-writes.ts";
import { countingMemory, PageTableWriter } from "./support/page-tables.ts";
import * as testos from "./support/testos.ts";

const { expectMemflowError, PHYSICAL_SIZE, physicalBytes } = testos;
const { HOLE, HOLE_END } = testos.PROCESS_MEMORY;
const plugins = testos.buildTestos("memflow-ts-write-each-");
afterAll(() => plugins.remove());

/** done, failed and ok of every item, and its address and length. */
function outcomes(results: TransferResults): [number, number, boolean, bigint, number][] {
  return Array.from({ length: results.count }, (_, index) => [
    results.done(index),
    results.failed(index),
    results.ok(index),
    results.address(index),
    results.length(index),
  ]);
}

/** The same writes as writeBatch takes them: item i's range of `bytes` at addresses[i]. */
function asWriteBatch(addresses: BigUint64Array, length: number, bytes: Uint8Array) {
  return Array.from(addresses, (address, index) => ({
    address,
    data: bytes.subarray(index * length, (index + 1) * length),
  }));
}

/**
 * Writes the items and expects each one's [done, failed, ok]; writeBatch, given the same writes,
 * must report the same, and both the addresses and lengths asked for.
 */
function expectWrites(
  memory: MemoryAccess,
  addresses: BigUint64Array,
  length: number,
  bytes: Uint8Array,
  expected: [number, number, boolean][],
): void {
  const asked = expected.map(
    ([done, failed, ok], index) =>
      [done, failed, ok, addresses[index], length] as [number, number, boolean, bigint, number],
  );
  using results = memory.writeEach(addresses, length, bytes);
  expect(outcomes(results)).toEqual(asked);
  expect(results.allOk()).toBe(expected.every(([, , ok]) => ok));
  using batch = memory.writeBatch(asWriteBatch(addresses, length, bytes));
  expect(outcomes(batch)).toEqual(asked);
}

/** Every bound a memory must refuse, with nothing written: at `address` and `address + 0x100`. */
function expectRefused(memory: MemoryAccess, address: number): void {
  const before = memory.read(address, 0x108);
  const two = BigUint64Array.of(BigInt(address), BigInt(address + 0x100));
  const refused: [unknown, number, Uint8Array][] = [
    [two, 8, counting(15)], // too few bytes
    [two, 8, counting(17)], // too many
    [two, 0, new Uint8Array(0)], // a length of nothing
    [two, -8, counting(16)],
    [two, 1.5, counting(3)],
    [two, 2 ** 32, counting(16)], // not a u32
    [two, 2 ** 32 - 1, counting(16)], // more than 4 GiB together
    [[BigInt(address), BigInt(address + 0x100)], 8, counting(16)], // not a BigUint64Array
    [new BigInt64Array(two.buffer), 8, counting(16)],
  ];
  for (const [addresses, length, bytes] of refused)
    expectMemflowError(() => memory.writeEach(addresses as BigUint64Array, length, bytes), "Other", "InvalidArgument");
  expect(memory.read(address, 0x108)).toEqual(before);
}

describe("writeEach on the testmem connector", () => {
  test("item i's bytes land at addresses[i]; items across and past the end are reported in part, as writeBatch does", () => {
    withConnector(plugins, (connector) => {
      const addresses = BigUint64Array.of(
        0x1000n,
        0x2004n,
        BigInt(PHYSICAL_SIZE - 2),
        BigInt(PHYSICAL_SIZE + 0x10),
        0xffff_ffff_ffff_fff0n, // past 2^53: its address kept exact
        0x3000n,
      );
      const bytes = counting(6 * 4);
      expectWrites(connector, addresses, 4, bytes, [
        [4, 0, true],
        [4, 0, true],
        [2, 2, false],
        [0, 4, false],
        [0, 4, false],
        [4, 0, true],
      ]);
      expect(connector.read(0x1000, 4)).toEqual(bytes.subarray(0, 4));
      expect(connector.read(0x2000, 12)).toEqual(
        Uint8Array.from([...physicalBytes(0x2000, 4), ...bytes.subarray(4, 8), ...physicalBytes(0x2008, 4)]),
      );
      expect(connector.read(PHYSICAL_SIZE - 2, 2)).toEqual(bytes.subarray(8, 10));
      expect(connector.read(0x3000, 4)).toEqual(bytes.subarray(20, 24));
    });
  });

  test("every bound is refused with (Other, InvalidArgument) before anything is written", () => {
    withConnector(plugins, (connector) => expectRefused(connector, 0x8000));
  });

  test("no items is nothing to write; one long item is written whole", () => {
    withConnector(plugins, (connector) => {
      using none = connector.writeEach(new BigUint64Array(0), 8, new Uint8Array(0));
      expect(none.count).toBe(0);
      expect(none.allOk()).toBe(true);
      const bytes = counting(0x1800, 7);
      expectWrites(connector, BigUint64Array.of(0x4000n), 0x1800, bytes, [[0x1800, 0, true]]);
      expect(connector.read(0x4000, 0x1800)).toEqual(bytes);
    });
  });

  test("a reused table shows this batch's outcomes, never an earlier one's; the caller's bytes are not reused", () => {
    withConnector(plugins, (connector) => {
      const bytes = counting(16, 50);
      const copy = bytes.slice();
      for (let round = 0; round < 3; round += 1) {
        {
          using written = connector.writeEach(BigUint64Array.of(0x1000n, 0x2000n), 8, bytes);
          expect(written.allOk()).toBe(true);
        }
        // The disposed table again, for a batch whose second item fails.
        {
          using failing = connector.writeEach(BigUint64Array.of(0x1000n, BigInt(PHYSICAL_SIZE)), 8, bytes);
          expect(outcomes(failing).map(([done, failed]) => [done, failed])).toEqual([
            [8, 0],
            [0, 8],
          ]);
          expect(() => failing.done(0)).not.toThrow();
        }
        // A read of the same size takes the table next: its buffer is its own.
        using read = connector.readBatch([
          { address: 0x9000, length: 8 },
          { address: 0xa000, length: 8 },
        ]);
        expect(read.bytes).not.toBe(bytes);
        expect(read.bytes).toEqual(Uint8Array.from([...physicalBytes(0x9000, 8), ...physicalBytes(0xa000, 8)]));
        expect(bytes).toEqual(copy);
      }
      const disposed = connector.writeEach(BigUint64Array.of(0x1000n), 8, bytes.subarray(0, 8));
      disposed[Symbol.dispose]();
      expectMemflowError(() => disposed.ok(0), "Other", "InvalidArgument");
    });
  });
});

describe("writeEach on a testos process", () => {
  test("whole, partly in the hole, in it, as writeBatch reports; the bytes land; bounds refused", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      const addresses = BigUint64Array.of(0x400100n, BigInt(HOLE_END - 2), BigInt(HOLE + 0x10), 0x400200n);
      const bytes = counting(4 * 4);
      expectWrites(process, addresses, 4, bytes, [
        [4, 0, true],
        [2, 2, false],
        [0, 4, false],
        [4, 0, true],
      ]);
      expect(process.read(0x400100, 4)).toEqual(bytes.subarray(0, 4));
      expect(process.read(HOLE_END, 2)).toEqual(bytes.subarray(6, 8));
      expect(process.read(0x400200, 4)).toEqual(bytes.subarray(12, 16));
      expectRefused(process, 0x400800);
    });
  });

  test("items across page boundaries, which the view reports in parts, are counted whole: allOk() without the shim's answer", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      const addresses = BigUint64Array.of(0x400ffcn, 0x401ffan, 0x402010n);
      const bytes = counting(3 * 8, 40);
      expectWrites(process, addresses, 8, bytes, [
        [8, 0, true],
        [8, 0, true],
        [8, 0, true],
      ]);
      expect(process.read(0x400ffc, 8)).toEqual(bytes.subarray(0, 8));
      expect(process.read(0x401ffa, 8)).toEqual(bytes.subarray(8, 16));
      expect(process.read(0x402010, 8)).toEqual(bytes.subarray(16, 24));
    });
  });
});

describe("writeEach on memories written in TypeScript", () => {
  test("the OS layer's VirtualMemory: one walk and one physical batch, as writeBatchFrom; an unmapped page reported", () => {
    const physical = new Uint8Array(0x10_0000);
    const tables = new PageTableWriter(physical, "x64", 0x8_0000);
    tables.map(0x7000_0000_0000n, 0x5000n);
    tables.map(0x7000_0000_1000n, 0x9000n);
    const memory = countingMemory(physical);
    const addresses = BigUint64Array.of(
      0x7000_0000_0ffcn, // across two pages, not contiguous in physical memory
      0x7000_0000_1ffen, // its second half unmapped
      0x7000_0000_0100n,
    );
    const bytes = counting(3 * 8);
    const batches = memory.batches;
    new VirtualMemory(memory, testos.X86_64, tables.root).writeEach(addresses, 8, bytes);
    const fromEach = memory.batches - batches;
    new VirtualMemory(memory, testos.X86_64, tables.root).writeBatchFrom(
      Array.from(addresses, (address) => ({ address, length: 8 })),
      bytes,
    );
    expect(memory.batches - batches - fromEach).toBe(fromEach);
    const view = new VirtualMemory(memory, testos.X86_64, tables.root);
    expectWrites(view, addresses, 8, bytes, [
      [8, 0, true],
      [2, 6, false],
      [8, 0, true],
    ]);
    expect([...physical.subarray(0x5ffc, 0x6000), ...physical.subarray(0x9000, 0x9004)]).toEqual([
      ...bytes.subarray(0, 8),
    ]);
    expect([...physical.subarray(0x9ffe, 0xa000)]).toEqual([...bytes.subarray(8, 10)]);
    expect([...physical.subarray(0x5100, 0x5108)]).toEqual([...bytes.subarray(16, 24)]);
    expectRefused(view, 0x7000_0000_0000);
  });

  test("a connector written in TypeScript writes each item's range", () => {
    const physical = new Uint8Array(0x2000);
    const memory = countingMemory(physical, false);
    expectWrites(memory, BigUint64Array.of(0x10n, 0x1fffn), 3, counting(6), [
      [3, 0, true],
      [1, 2, false],
    ]);
    expect([...physical.subarray(0x10, 0x13), physical[0x1fff]]).toEqual([1, 2, 3, 4]);
    expectRefused(memory, 0x100);
  });
});

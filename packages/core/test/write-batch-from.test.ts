/**
 * writeBatchFrom (src/memory/write-ranges.ts): batched writes whose bytes lie back to back in one
 * buffer, which a native memory hands to the plugin as they are. Through the gcc-built testmem
 * connector, a testos process and the TypeScript memories (a connector, the OS layer's
 * VirtualMemory): the bytes land where they should, each request's outcome is reported as
 * writeBatch reports it, a range outside the bytes is refused before anything is written, and
 * the caller's bytes are never handed to a later batch.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Connector, MemoryAccess, ReadRequest, TransferResults } from "../src/index.ts";
import { VirtualMemory } from "../src/index.ts";
import { countingMemory, PageTableWriter } from "./support/page-tables.ts";
import * as testos from "./support/testos.ts";

const { expectMemflowError, PHYSICAL_SIZE, physicalBytes } = testos;
const { HOLE, HOLE_END } = testos.PROCESS_MEMORY;
const plugins = testos.buildTestos("memflow-ts-write-batch-from-");
afterAll(() => plugins.remove());

/** Bytes 1, 2, 3, … (never zero, so a write that lands shows). */
function counting(length: number, from = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (from + index) % 255 || 1);
}

/** done, failed and ok of every request. */
function outcomes(results: TransferResults): [number, number, boolean][] {
  return Array.from({ length: results.count }, (_, index) => [
    results.done(index),
    results.failed(index),
    results.ok(index),
  ]);
}

/** The requests as writeBatch takes them: each with its range of `bytes`. */
function sliced(requests: readonly ReadRequest[], bytes: Uint8Array) {
  let offset = 0;
  return requests.map(({ address, length }) => {
    const data = bytes.subarray(offset, offset + length);
    offset += length;
    return { address, data };
  });
}

/**
 * Writes `requests` from `bytes` and expects each request's [done, failed, ok]; writeBatch, given
 * each request's range as its own array, must report the same.
 */
function expectWrites(
  memory: MemoryAccess,
  requests: readonly ReadRequest[],
  bytes: Uint8Array,
  expected: [number, number, boolean][],
): void {
  const results = memory.writeBatchFrom(requests, bytes);
  expect(outcomes(results)).toEqual(expected);
  expect(results.allOk()).toBe(expected.every(([, , ok]) => ok));
  expect(outcomes(memory.writeBatch(sliced(requests, bytes)))).toEqual(expected);
}

/** A testmem connector filled as testos's physical memory is (physicalBytes). */
function withConnector(check: (connector: Connector) => void): void {
  using connector = plugins.inventory.instantiateConnector("testmem", undefined, ":size=300000");
  connector.write(0, physicalBytes(0, PHYSICAL_SIZE));
  check(connector);
}

/** Every way a memory may refuse the requests: ranges past the bytes, and lengths that are not u32s. */
function expectRefused(memory: MemoryAccess, address: number, before: Uint8Array): void {
  const bytes = counting(16);
  const refused: ReadRequest[][] = [
    [
      { address, length: 8 },
      { address: address + 0x100, length: 9 },
    ],
    [{ address, length: 17 }],
    [
      { address, length: 16 },
      { address: address + 0x100, length: -8 },
      { address: address + 0x200, length: 8 },
    ],
    [{ address, length: 1.5 }],
  ];
  for (const requests of refused)
    expectMemflowError(() => memory.writeBatchFrom(requests, bytes), "Other", "InvalidArgument");
  // Nothing was written, not even the requests that fit.
  expect(memory.read(address, before.length)).toEqual(before);
  expect(memory.read(address + 0x100, 8)).toEqual(before.subarray(0x100, 0x108));
}

describe("writeBatchFrom on the testmem connector", () => {
  test("each request's range of the bytes lands at its address; a write across the end is reported in part", () => {
    withConnector((connector) => {
      const requests = [
        { address: 0x1000, length: 8 },
        { address: 0x2004, length: 3 },
        { address: 0x3000, length: 0 },
        { address: PHYSICAL_SIZE - 4, length: 8 },
        { address: PHYSICAL_SIZE + 0x10, length: 2 },
        { address: 0x4000, length: 0x1800 },
      ];
      // Longer than the requests need: the rest is not written.
      const bytes = counting(8 + 3 + 8 + 2 + 0x1800 + 5);
      expectWrites(connector, requests, bytes, [
        [8, 0, true],
        [3, 0, true],
        [0, 0, true],
        [4, 4, false],
        [0, 2, false],
        [0x1800, 0, true],
      ]);
      expect(connector.read(0x1000, 8)).toEqual(bytes.subarray(0, 8));
      expect(connector.read(0x2000, 8)).toEqual(
        Uint8Array.from([...physicalBytes(0x2000, 4), ...bytes.subarray(8, 11), ...physicalBytes(0x2007, 1)]),
      );
      expect(connector.read(PHYSICAL_SIZE - 4, 4)).toEqual(bytes.subarray(11, 15));
      expect(connector.read(0x4000, 0x1800)).toEqual(bytes.subarray(21, 21 + 0x1800));
      expect(connector.read(0x5800, 8)).toEqual(physicalBytes(0x5800, 8));
    });
  });

  test("a range outside the bytes, or a length that is not a whole u32, throws (Other, InvalidArgument) before anything is written", () => {
    withConnector((connector) => expectRefused(connector, 0x8000, physicalBytes(0x8000, 0x108)));
  });

  test("readBatch, laid out alike, refuses the same lengths: a negative one would let the plugin write past its buffer", () => {
    withConnector((connector) => {
      for (const length of [-8, 1.5, Number.NaN, 2 ** 32])
        expectMemflowError(
          () =>
            connector.readBatch([
              { address: 0x1000, length: 16 },
              { address: 0x2000, length },
            ]),
          "Other",
          "InvalidArgument",
        );
    });
  });

  test("the caller's bytes are never handed to a later batch: disposed results give back only their table", () => {
    withConnector((connector) => {
      const requests = [
        { address: 0x1000, length: 8 },
        { address: 0x2000, length: 8 },
      ];
      const bytes = counting(16, 100);
      const copy = bytes.slice();
      for (let round = 0; round < 3; round += 1) {
        {
          using written = connector.writeBatchFrom(requests, bytes);
          expect(written.allOk()).toBe(true);
        }
        // A read and a copying write of the same size next, each taking the disposed table.
        {
          using read = connector.readBatch([
            { address: 0x9000, length: 8 },
            { address: 0xa000, length: 8 },
          ]);
          expect(read.bytes).not.toBe(bytes);
          expect(read.bytes).toEqual(Uint8Array.from([...physicalBytes(0x9000, 8), ...physicalBytes(0xa000, 8)]));
        }
        using other = connector.writeBatch(sliced(requests, new Uint8Array(16)));
        expect(other.allOk()).toBe(true);
        expect(bytes).toEqual(copy);
      }
      expect([...connector.writeBatchFrom([], new Uint8Array(0))]).toEqual([]);
    });
  });
});

describe("writeBatchFrom on a testos process", () => {
  test("reports what it could write as writeBatch does: whole, partly in the hole, in it; the bytes land", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      const requests = [
        { address: 0x400100, length: 4 },
        { address: HOLE_END - 2, length: 4 },
        { address: HOLE + 0x10, length: 2 },
        { address: 0x400200, length: 0x1800 },
      ];
      const bytes = counting(4 + 4 + 2 + 0x1800);
      expectWrites(process, requests, bytes, [
        [4, 0, true],
        [2, 2, false],
        [0, 2, false],
        [0x1800, 0, true],
      ]);
      expect(process.read(0x400100, 4)).toEqual(bytes.subarray(0, 4));
      expect(process.read(HOLE_END, 2)).toEqual(bytes.subarray(6, 8));
      expect(process.read(0x400200, 0x1800)).toEqual(bytes.subarray(10));
      expectRefused(process, 0x400800, process.read(0x400800, 0x108));
    });
  });
});

describe("writeBatchFrom on memories written in TypeScript", () => {
  test("the OS layer's VirtualMemory: writeBatch's walk and batches, each request's range written, an unmapped page reported", () => {
    const physical = new Uint8Array(0x10_0000);
    const tables = new PageTableWriter(physical, "x64", 0x8_0000);
    tables.map(0x7000_0000_0000n, 0x5000n);
    tables.map(0x7000_0000_1000n, 0x9000n);
    const memory = countingMemory(physical);
    const view = new VirtualMemory(memory, testos.X86_64, tables.root);
    const requests = [
      { address: 0x7000_0000_0ffcn, length: 8 }, // across two pages, not contiguous in physical memory
      { address: 0x7000_0000_1ffen, length: 4 }, // its second half unmapped
      { address: 0x7000_0000_0100, length: 2 },
    ];
    const bytes = counting(14);
    const batches = memory.batches;
    view.writeBatchFrom(requests, bytes);
    const fromBatches = memory.batches - batches;
    // writeBatch's path: as many physical batches (the walk's levels, then one for every write).
    const again = new VirtualMemory(memory, testos.X86_64, tables.root);
    again.writeBatch(sliced(requests, bytes));
    expect(memory.batches - batches - fromBatches).toBe(fromBatches);
    expectWrites(view, requests, bytes, [
      [8, 0, true],
      [2, 2, false],
      [2, 0, true],
    ]);
    expect([...physical.subarray(0x5ffc, 0x6000), ...physical.subarray(0x9000, 0x9004)]).toEqual([
      ...bytes.subarray(0, 8),
    ]);
    expect([...physical.subarray(0x9ffe, 0xa000)]).toEqual([...bytes.subarray(8, 10)]);
    expect([...physical.subarray(0x5100, 0x5102)]).toEqual([...bytes.subarray(12, 14)]);
    expectRefused(view, 0x7000_0000_0000, view.read(0x7000_0000_0000, 0x108));
  });

  test("a connector written in TypeScript writes each request's range", () => {
    const physical = new Uint8Array(0x2000);
    const memory = countingMemory(physical, false);
    const requests = [
      { address: 0x10, length: 2 },
      { address: 0x1fff, length: 3 },
    ];
    expectWrites(memory, requests, counting(5), [
      [2, 0, true],
      [1, 2, false],
    ]);
    expect([...physical.subarray(0x10, 0x12), physical[0x1fff]]).toEqual([1, 2, 3]);
    expectRefused(memory, 0x100, memory.read(0x100, 0x108));
  });
});

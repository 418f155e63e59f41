/**
 * readEach (src/memory/each-requests.ts): items of one size, addresses in a BigUint64Array, read
 * into one buffer, item i's bytes at i × length; a native memory's shim lays the batch out itself
 * (transfer-each.h). Through the gcc-built testmem connector, a testos process and the
 * TypeScript memories: each item's bytes and outcome are readBatch's for the same requests, what
 * could not be read is zero even in a reused buffer, and every bound is refused.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { MemoryAccess, ReadResults } from "../src/index.ts";
import { VirtualMemory } from "../src/index.ts";
import { withConnector } from "./support/batch-writes.ts";
import { countingMemory, PageTableWriter } from "./support/page-tables.ts";
import * as testos from "./support/testos.ts";

const { expectMemflowError, PHYSICAL_SIZE, physicalBytes } = testos;
const { HOLE, HOLE_END } = testos.PROCESS_MEMORY;
const plugins = testos.buildTestos("memflow-ts-read-each-");
afterAll(() => plugins.remove());

/** Every item's address, offset, length, done, failed and bytes. */
function items(results: ReadResults) {
  return Array.from({ length: results.count }, (_, index) => ({
    address: results.address(index),
    offset: results.offset(index),
    length: results.length(index),
    done: results.done(index),
    failed: results.failed(index),
    data: [...results.data(index)],
  }));
}

/** Reads the items; readBatch of the same requests must give the same. Returns readEach's done and failed per item. */
function expectAsReadBatch(memory: MemoryAccess, addresses: BigUint64Array, length: number): [number, number][] {
  using each = memory.readEach(addresses, length);
  using batch = memory.readBatch(Array.from(addresses, (address) => ({ address, length })));
  expect(items(each)).toEqual(items(batch));
  expect(each.bytes).toEqual(batch.bytes);
  expect(each.allOk()).toBe(batch.allOk());
  return items(each).map(({ done, failed }) => [done, failed]);
}

/** Every bound a memory must refuse. */
function expectRefused(memory: MemoryAccess): void {
  const two = BigUint64Array.of(0x1000n, 0x2000n);
  const refused: [unknown, number][] = [
    [two, 0],
    [two, -8],
    [two, 1.5],
    [two, 2 ** 32],
    [two, 2 ** 32 - 1], // more than 4 GiB together
    [[0x1000n, 0x2000n], 8],
    [new Float64Array(2), 8],
  ];
  for (const [addresses, length] of refused)
    expectMemflowError(() => memory.readEach(addresses as BigUint64Array, length), "Other", "InvalidArgument");
}

describe("readEach on the testmem connector", () => {
  test("each item's bytes at i × length, outcomes as readBatch's; across and past the end reported, unread bytes zero", () => {
    withConnector(plugins, (connector) => {
      const addresses = BigUint64Array.of(
        0x1000n,
        BigInt(PHYSICAL_SIZE - 2),
        BigInt(PHYSICAL_SIZE + 0x10),
        0xffff_ffff_ffff_fff0n,
        0x2003n,
      );
      expect(expectAsReadBatch(connector, addresses, 4)).toEqual([
        [4, 0],
        [2, 2],
        [0, 4],
        [0, 4],
        [4, 0],
      ]);
      using results = connector.readEach(addresses, 4);
      expect([...results.bytes]).toEqual([
        ...physicalBytes(0x1000, 4),
        ...physicalBytes(PHYSICAL_SIZE - 2, 2),
        ...new Array(10).fill(0),
        ...physicalBytes(0x2003, 4),
      ]);
      expect(results.offset(4)).toBe(16);
      expectRefused(connector);
    });
  });

  test("a reused buffer keeps none of an earlier batch's bytes where nothing was read", () => {
    withConnector(plugins, (connector) => {
      for (let round = 0; round < 3; round += 1) {
        {
          using whole = connector.readEach(BigUint64Array.of(0x1000n, 0x2000n), 8);
          expect(whole.allOk()).toBe(true);
          expect(whole.bytes).toEqual(Uint8Array.from([...physicalBytes(0x1000, 8), ...physicalBytes(0x2000, 8)]));
        }
        using partly = connector.readEach(BigUint64Array.of(BigInt(PHYSICAL_SIZE - 3), BigInt(PHYSICAL_SIZE)), 8);
        expect(items(partly).map(({ done, failed }) => [done, failed])).toEqual([
          [3, 5],
          [0, 8],
        ]);
        expect(partly.bytes).toEqual(
          Uint8Array.from([...physicalBytes(PHYSICAL_SIZE - 3, 3), ...new Array(13).fill(0)]),
        );
      }
      using none = connector.readEach(new BigUint64Array(0), 8);
      expect(none.count).toBe(0);
    });
  });
});

describe("readEach on a testos process", () => {
  test("whole, partly in the hole, in it: readBatch's outcomes and bytes", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      const addresses = BigUint64Array.of(0x400100n, BigInt(HOLE_END - 2), BigInt(HOLE + 0x10), BigInt(HOLE - 2));
      expect(expectAsReadBatch(process, addresses, 4)).toEqual([
        [4, 0],
        [2, 2],
        [0, 4],
        [2, 2],
      ]);
      expectRefused(process);
    });
  });

  test("items across page boundaries, which the view reports in parts, are read whole", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      const addresses = BigUint64Array.of(0x400ffcn, 0x401ffan, 0x402010n);
      expect(expectAsReadBatch(process, addresses, 8)).toEqual([
        [8, 0],
        [8, 0],
        [8, 0],
      ]);
      using results = process.readEach(addresses, 8);
      expect(results.allOk()).toBe(true);
      expect(results.data(0)).toEqual(process.read(0x400ffc, 8));
      expect(results.data(1)).toEqual(process.read(0x401ffa, 8));
    });
  });
});

describe("readEach on memories written in TypeScript", () => {
  test("the OS layer's VirtualMemory: one walk and one physical batch, as readBatch", () => {
    const physical = new Uint8Array(0x10_0000);
    for (let at = 0; at < physical.length; at += 1) physical[at] = (at * 7 + 3) & 0xff;
    const tables = new PageTableWriter(physical, "x64", 0x8_0000);
    tables.map(0x7000_0000_0000n, 0x5000n);
    tables.map(0x7000_0000_1000n, 0x9000n);
    const memory = countingMemory(physical);
    const addresses = BigUint64Array.of(0x7000_0000_0ffcn, 0x7000_0000_1ffen, 0x7000_0000_0100n);
    const batches = memory.batches;
    new VirtualMemory(memory, testos.X86_64, tables.root).readEach(addresses, 8);
    const fromEach = memory.batches - batches;
    new VirtualMemory(memory, testos.X86_64, tables.root).readBatch(
      Array.from(addresses, (address) => ({ address, length: 8 })),
    );
    expect(memory.batches - batches - fromEach).toBe(fromEach);
    const view = new VirtualMemory(memory, testos.X86_64, tables.root);
    expect(expectAsReadBatch(view, addresses, 8)).toEqual([
      [8, 0],
      [2, 6],
      [8, 0],
    ]);
    expectRefused(view);
  });

  test("a connector written in TypeScript reads each item", () => {
    const physical = Uint8Array.from({ length: 0x2000 }, (_, at) => at & 0xff);
    const memory = countingMemory(physical, false);
    expect(expectAsReadBatch(memory, BigUint64Array.of(0x10n, 0x1fffn), 3)).toEqual([
      [3, 0],
      [1, 2],
    ]);
    using results = memory.readEach(BigUint64Array.of(0x10n), 3);
    expect([...results.bytes]).toEqual([0x10, 0x11, 0x12]);
    expectRefused(memory);
  });
});

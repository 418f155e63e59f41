/**
 * Reuse of batch tables and buffers (src/memory/batch-pool.ts): a native memory hands a disposed
 * result's table and buffer to its next batch of the same size. Results never disposed keep their
 * own bytes whatever comes after; a reused buffer never shows an earlier batch's bytes; disposed
 * results refuse to answer.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Connector, ReadResults } from "../src/index.ts";
import { ScriptConnector } from "../src/script/script-connector.ts";
import * as testos from "./support/testos.ts";

const { expectMemflowError, PHYSICAL_SIZE, physicalBytes, processBytes } = testos;
const { HOLE } = testos.PROCESS_MEMORY;
const plugins = testos.buildTestos("memflow-ts-batch-pool-");
afterAll(() => plugins.remove());

/** Request `index`'s bytes, copied out of the batch's buffer. */
function requestBytes(results: ReadResults, index: number): Uint8Array {
  const offset = results.offset(index);
  return results.bytes.slice(offset, offset + results.length(index));
}

/** A testmem connector filled as testos's physical memory is (physicalBytes). */
function withConnector(check: (connector: Connector) => void): void {
  using connector = plugins.inventory.instantiateConnector("testmem", undefined, ":size=300000");
  connector.write(0, physicalBytes(0, PHYSICAL_SIZE));
  check(connector);
}

describe("a native connector's batches", () => {
  test("results never disposed keep their own bytes after later batches of the same size, disposed or not", () => {
    withConnector((connector) => {
      const first = connector.readBatch([
        { address: 0x1000, length: 8 },
        { address: 0x2000, length: 8 },
      ]);
      for (let round = 0; round < 3; round += 1) {
        using later = connector.readBatch([
          { address: 0x3000 + round * 0x100, length: 8 },
          { address: 0x4000 + round * 0x100, length: 8 },
        ]);
        expect(requestBytes(later, 1)).toEqual(physicalBytes(0x4000 + round * 0x100, 8));
      }
      const kept = connector.readBatch([
        { address: 0x5000, length: 8 },
        { address: 0x6000, length: 8 },
      ]);
      expect(kept.bytes).not.toBe(first.bytes);
      expect([requestBytes(first, 0), requestBytes(first, 1), first.address(1)]).toEqual([
        physicalBytes(0x1000, 8),
        physicalBytes(0x2000, 8),
        0x2000n,
      ]);
      expect(requestBytes(kept, 0)).toEqual(physicalBytes(0x5000, 8));
    });
  });

  test("a disposed batch's buffer goes to the next of its size, zeroed where that one reads nothing", () => {
    withConnector((connector) => {
      let reused: Uint8Array;
      {
        using first = connector.readBatch([
          { address: 0x1000, length: 8 },
          { address: 0x2000, length: 8 },
        ]);
        reused = first.bytes;
        expect(requestBytes(first, 0)).toEqual(physicalBytes(0x1000, 8));
      }
      using next = connector.readBatch([
        { address: PHYSICAL_SIZE + 0x1000, length: 8 },
        { address: 0x3000, length: 8 },
      ]);
      expect(next.bytes).toBe(reused);
      // Request 0 is past the connector's end: nothing read, and none of 0x1000's bytes left behind.
      expect([next.done(0), next.ok(0), requestBytes(next, 0)]).toEqual([0, false, new Uint8Array(8)]);
      expect([next.done(1), requestBytes(next, 1)]).toEqual([8, physicalBytes(0x3000, 8)]);
      // Another size gets a buffer of its own.
      using other = connector.readBatch([{ address: 0x1000, length: 16 }]);
      expect(other.bytes).not.toBe(reused);
      expect(requestBytes(other, 0)).toEqual(physicalBytes(0x1000, 16));
    });
  });

  test("a reused buffer is zeroed where a plugin neither reads nor reports a request (the shim zeroes it)", () => {
    // quiet=9000: testmem skips a read at 0x9000 without a word (it breaks memflow's contract).
    using connector = plugins.inventory.instantiateConnector("testmem", undefined, ":size=300000,quiet=9000");
    connector.write(0, physicalBytes(0, PHYSICAL_SIZE));
    const requests = (second: number) => [
      { address: 0x1000, length: 8 },
      { address: second, length: 8 },
      { address: 0x3000, length: 8 },
    ];
    let reused: Uint8Array;
    {
      using first = connector.readBatch(requests(0x2000));
      reused = first.bytes;
      expect(first.allOk()).toBe(true);
    }
    using next = connector.readBatch(requests(0x9000));
    expect(next.bytes).toBe(reused);
    expect([next.done(1), next.failed(1), requestBytes(next, 1)]).toEqual([0, 0, new Uint8Array(8)]);
    expect([requestBytes(next, 0), requestBytes(next, 2)]).toEqual([
      physicalBytes(0x1000, 8),
      physicalBytes(0x3000, 8),
    ]);
  });

  test("a disposed write batch's buffer carries the next batch's bytes, not its own", () => {
    withConnector((connector) => {
      {
        using first = connector.writeBatch([{ address: 0x1000, data: Uint8Array.from([1, 2, 3, 4]) }]);
        expect(first.ok(0)).toBe(true);
      }
      using second = connector.writeBatch([{ address: 0x2000, data: Uint8Array.from([5, 6, 7, 8]) }]);
      expect(second.done(0)).toBe(4);
      expect([connector.read(0x1000, 4), connector.read(0x2000, 4)]).toEqual([
        Uint8Array.from([1, 2, 3, 4]),
        Uint8Array.from([5, 6, 7, 8]),
      ]);
    });
  });

  test("a write batch of as many requests but other sizes than the disposed one's writes its own bytes", () => {
    withConnector((connector) => {
      const bytes = (length: number, first: number) => Uint8Array.from({ length }, (_, index) => first + index);
      // Fewer bytes than the reused buffer, more, and requests longer than the short-copy limit.
      for (const lengths of [[4], [2], [6], [3, 40], [40, 3], [43, 0]]) {
        using results = connector.writeBatch(
          lengths.map((length, index) => ({ address: 0x1000 + index * 0x100, data: bytes(length, 10 * index + 1) })),
        );
        expect(results.allOk()).toBe(true);
        lengths.forEach((length, index) => {
          expect(connector.read(0x1000 + index * 0x100, length)).toEqual(bytes(length, 10 * index + 1));
        });
      }
    });
  });

  test("disposed results throw (Other, InvalidArgument) when asked; disposing twice does nothing more", () => {
    withConnector((connector) => {
      const results = connector.readBatch([{ address: 0x1000, length: 8 }]);
      results[Symbol.dispose]();
      results[Symbol.dispose]();
      const error = expectMemflowError(() => results.done(0), "Other", "InvalidArgument");
      expect(error.message).toContain("disposed");
      expectMemflowError(() => results.bytes, "Other", "InvalidArgument");
      expectMemflowError(() => results.view, "Other", "InvalidArgument");
      expectMemflowError(() => [...results], "Other", "InvalidArgument");
      // Its buffer went back once: two batches of its size get two different buffers.
      const a = connector.readBatch([{ address: 0x2000, length: 8 }]);
      const b = connector.readBatch([{ address: 0x3000, length: 8 }]);
      expect(a.bytes).not.toBe(b.bytes);
      expect([requestBytes(a, 0), requestBytes(b, 0)]).toEqual([physicalBytes(0x2000, 8), physicalBytes(0x3000, 8)]);
    });
  });
});

describe("other memories", () => {
  test("a process's view reuses a disposed buffer and zero-fills what lies in the hole", () => {
    plugins.withOs((os) => {
      using process = os.processByPid(1);
      let reused: Uint8Array;
      {
        using whole = process.readBatch([{ address: 0x400000, length: 16 }]);
        reused = whole.bytes;
        expect(requestBytes(whole, 0)).toEqual(processBytes(0, 0x400000, 16));
      }
      using hole = process.readBatch([{ address: HOLE - 8, length: 16 }]);
      expect(hole.bytes).toBe(reused);
      expect([hole.done(0), requestBytes(hole, 0)]).toEqual([
        8,
        Uint8Array.from([...processBytes(0, HOLE - 8, 8), 0, 0, 0, 0, 0, 0, 0, 0]),
      ]);
    });
  });

  test("a connector written in TypeScript has no pool, but its disposed results refuse to answer too", () => {
    const connector = ScriptConnector.create({
      name: "counting",
      version: "0",
      description: "256 counting bytes",
      create: () => ({
        metadata: () => ({ realSize: 0x100 }),
        read: (address: bigint, buffer: Uint8Array) => {
          buffer.forEach((_, index) => {
            buffer[index] = Number(address) + index;
          });
          return buffer.length;
        },
      }),
    });
    let first: Uint8Array;
    {
      using results = connector.readBatch([{ address: 0x10, length: 4 }]);
      first = results.bytes;
      expect(requestBytes(results, 0)).toEqual(Uint8Array.from([0x10, 0x11, 0x12, 0x13]));
    }
    const next = connector.readBatch([{ address: 0x20, length: 4 }]);
    expect(next.bytes).not.toBe(first);
    expect(first).toEqual(Uint8Array.from([0x10, 0x11, 0x12, 0x13]));
    next[Symbol.dispose]();
    expectMemflowError(() => next.ok(0), "Other", "InvalidArgument");
    connector.close();
  });
});

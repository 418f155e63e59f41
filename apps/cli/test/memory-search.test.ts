/**
 * The search behind `find`: over the SDK's TypeScript dummy connector (real memory with memflow's
 * partial reads past its end), a pattern across the 1 MiB boundary between two reads is found,
 * and the zeros a failed read leaves never match.
 */
import { describe, expect, test } from "bun:test";
import { Inventory } from "@memflow-ts/core";
import { dummyConnector } from "@memflow-ts/sdk";
import { searchMemory } from "../src/os/memory-search.ts";

const MIB = 0x10_0000;

function memory() {
  return Inventory.empty().register(dummyConnector).instantiateConnector("dummy", undefined, ":size=4m");
}

describe("searchMemory", () => {
  test("finds a match that straddles two reads, and one that straddles two ranges that touch", () => {
    using connector = memory();
    const needle = new TextEncoder().encode("needle in memory");
    connector.write(BigInt(MIB - 5), needle);
    connector.write(BigInt(2 * MIB + 0x1000 - 3), needle);
    const ranges = [
      { address: 0n, size: BigInt(2 * MIB + 0x1000), pageType: 4 },
      { address: BigInt(2 * MIB + 0x1000), size: BigInt(MIB), pageType: 20 },
    ];
    const seen: bigint[] = [];
    const found = searchMemory(connector, ranges, needle, { max: 10, progress: (searched) => seen.push(searched) });
    expect(found).toEqual({ matches: [BigInt(MIB - 5), BigInt(2 * MIB + 0x1000 - 3)], stopped: false, unreadable: 0 });
    expect(seen.at(-1)).toBe(BigInt(3 * MIB + 0x1000));
  });

  test("a range past the end of memory: its bytes are counted unreadable, and its zeros match nothing", () => {
    using connector = memory();
    connector.write(BigInt(4 * MIB - 4), Uint8Array.of(0, 0, 0, 0));
    const ranges = [{ address: BigInt(4 * MIB - 0x1000), size: 0x2000n, pageType: 4 }];
    const zeros = new Uint8Array(8);
    const found = searchMemory(connector, ranges, zeros, { max: 100_000 });
    expect(found.unreadable).toBe(0x1000);
    // 4 KiB of readable zeros hold 4096 - 8 + 1 places for 8 zeros, none of them past the end.
    expect(found.matches.length).toBe(0x1000 - 7);
    expect(found.matches.every((address) => address + 8n <= BigInt(4 * MIB))).toBe(true);
  });

  test("stops at max", () => {
    using connector = memory();
    const found = searchMemory(connector, [{ address: 0n, size: 0x1000n, pageType: 4 }], Uint8Array.of(0), { max: 3 });
    expect(found).toEqual({ matches: [0n, 1n, 2n], stopped: true, unreadable: 0 });
  });
});

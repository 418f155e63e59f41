/**
 * The native dummy OS and its TypeScript twin (`dummy_ts`) side by side, each over its own native
 * dummy connector of the same size and with the same arguments, as
 * `-c dummy::size=… -o dummy::…` and `-c dummy::size=… -o dummy_ts::…`; and what the tests
 * comparing them share.
 */
import { afterAll, beforeAll } from "bun:test";
import { chainArguments, type Os, OsChain, PAGE_TYPE, type PhysicalMemory } from "@memflow-ts/core";
import { dummyOsTs } from "../../src/index.ts";
import { inventory } from "./dummy-os-inventory.ts";

if (!inventory.availableOs().includes(dummyOsTs.name)) inventory.register(dummyOsTs);

export { inventory };

/** `-c <connector> -o <os>` from the command line's words, built by the inventory. */
export function openChain(connector: string, os: string): Os {
  const { connectors, osLayers } = chainArguments(["-c", connector, "-o", os]);
  return inventory.builder().osChain(OsChain.fromArgs(connectors, osLayers)).build();
}

export interface Pair {
  readonly native: Os;
  readonly script: Os;
}

/** Both OSes for the tests of a describe block: opened before them, closed after. */
export function sharedPair(size: string, osArgs: string): () => Pair {
  let pair: Pair | undefined;
  beforeAll(() => {
    pair = {
      native: openChain(`dummy::size=${size}`, `dummy::${osArgs}`),
      script: openChain(`dummy::size=${size}`, `dummy_ts::${osArgs}`),
    };
  });
  afterAll(() => {
    pair?.native.close();
    pair?.script.close();
  });
  return () => {
    if (!pair) throw new Error("the pair of OSes is not open yet");
    return pair;
  };
}

/**
 * The page type decision 0013 gives where memflow's x64 rule gives `native`: a page whose leaf
 * clears RW under tables that set it (the dummy OS's code pages) is WRITEABLE to memflow (RW in
 * any entry) and READ_ONLY to core's walk (RW in every entry); every other type is the same.
 */
export function coreTypeOf(native: number): number {
  return native === PAGE_TYPE.WRITEABLE ? PAGE_TYPE.READ_ONLY : native;
}

/** Compares two physical memories over [0, size) in chunks; returns the first differing offset, or -1. */
export function firstDifference(a: PhysicalMemory, b: PhysicalMemory, size: number, chunk = 0x400_0000): number {
  const left = Buffer.alloc(chunk);
  const right = Buffer.alloc(chunk);
  for (let at = 0; at < size; at += chunk) {
    const length = Math.min(chunk, size - at);
    if (a.readInto(at, left.subarray(0, length)) !== length || b.readInto(at, right.subarray(0, length)) !== length)
      throw new Error(`physical memory at 0x${at.toString(16)} is not readable`);
    if (!left.subarray(0, length).equals(right.subarray(0, length)))
      return at + left.findIndex((byte, index) => byte !== right[index]);
  }
  return -1;
}

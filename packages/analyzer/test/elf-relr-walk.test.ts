/**
 * The RELR walk (`walkRelocations` over a RELR table) against a decoder that expands every bit
 * of every entry, on random tables: runs of bitmaps of any length, address entries between them
 * (also out of order, as a crafted file may have them), slots before, inside and after the runs.
 * The walk moves past the bitmaps that end below the lowest slot without reading their bits and
 * tests only the bitmaps that cover a slot; the decoder reads everything. And the search, which
 * reads a RELR table only where it overrides an earlier table's relocation.
 */
import { describe, expect, test } from "bun:test";
import { runSync } from "../src/drive.ts";
import type { ElfHeader } from "../src/elf-headers.ts";
import { lookup, searchRelocations, walkRelocations } from "../src/elf-relocation-search.ts";
import { type RelocationTable, slotsOf } from "../src/elf-relocations.ts";
import { Random } from "./support/random.ts";

/** What the relocation code reads of an x86_64 file's header: its word size and byte order. */
function headerOf(wide: boolean, little: boolean): ElfHeader {
  return { wide, little, machine: 62, phoff: 0, phentsize: 0, phnum: 0, shoff: 0, shentsize: 0, shnum: 0 };
}

/** Every address a RELR table relocates, as the loader expands it. */
function expand(entries: readonly bigint[], word: number): Set<number> {
  const relocated = new Set<number>();
  let next = 0n;
  for (const entry of entries) {
    if ((entry & 1n) === 0n) {
      relocated.add(Number(entry));
      next = entry + BigInt(word);
      continue;
    }
    for (let bit = 1; bit < word * 8; bit += 1) {
      if (((entry >> BigInt(bit)) & 1n) === 1n) relocated.add(Number(next + BigInt((bit - 1) * word)));
    }
    next += BigInt((word * 8 - 1) * word);
  }
  return relocated;
}

/** A bitmap entry: random bits (sometimes none, sometimes all) and bit 0, which marks it a bitmap. */
function bitmap(random: Random, word: number): bigint {
  const choice = random.below(4);
  const bits = word * 8;
  if (choice === 0) return 1n;
  if (choice === 1) return (1n << BigInt(bits)) - 1n;
  let value = 0n;
  for (let half = 0; half < word / 4; half += 1) value = (value << 32n) | BigInt(random.next());
  return value | 1n;
}

interface Table {
  wide: boolean;
  little: boolean;
  entries: bigint[];
  stride: number;
}

function randomTable(random: Random): Table {
  const wide = random.below(2) === 0;
  const word = wide ? 8 : 4;
  const entries: bigint[] = [];
  let address = random.below(1 << 16) * word;
  for (let runs = 1 + random.below(4); runs > 0; runs -= 1) {
    entries.push(BigInt(address));
    // Mostly short runs; sometimes one as long as a real plugin's (hundreds of bitmaps).
    const length = random.below(5) === 0 ? 100 + random.below(400) : random.below(12);
    for (let index = 0; index < length; index += 1) entries.push(bitmap(random, word));
    const covered = address + word + length * (word * 8 - 1) * word;
    // The next address is past the run, as linkers write it, or anywhere before (a crafted file).
    address = random.below(5) === 0 ? random.below(covered / word) * word : covered + random.below(64) * word;
  }
  // DT_RELRENT is the word size in every real file; the walk honours a larger one.
  const stride = random.below(8) === 0 ? word + 8 : word;
  return { wide, little: random.below(4) !== 0, entries, stride };
}

/** Slots to look for: some the table relocates, some near them that it does not, some anywhere. */
function randomSlots(random: Random, relocated: Set<number>, word: number): number[] {
  const all = [...relocated];
  const highest = Math.max(0, ...all);
  const addresses: number[] = [];
  for (let count = 1 + random.below(6); count > 0; count -= 1) {
    const choice = random.below(3);
    const near = all.length > 0 ? random.pick(all) : 0;
    if (choice === 0) addresses.push(near);
    else if (choice === 1) addresses.push(Math.max(0, near + (random.below(9) - 4) * (word / 2)));
    else addresses.push(random.below(highest + 4096));
  }
  return slotsOf(addresses);
}

function tableBytes(table: Table): Uint8Array {
  const word = table.wide ? 8 : 4;
  const bytes = new Uint8Array(table.entries.length * table.stride);
  const view = new DataView(bytes.buffer);
  table.entries.forEach((entry, index) => {
    if (table.wide) view.setBigUint64(index * table.stride, entry, table.little);
    else view.setUint32(index * table.stride, Number(entry), table.little);
  });
  expect(word).toBeLessThanOrEqual(table.stride);
  return bytes;
}

describe("RELR walk", () => {
  test("finds exactly the slots that expanding every bit finds, on 3000 random tables", () => {
    const random = new Random(0x5eed_4e1a);
    let found = 0;
    let missed = 0;
    for (let round = 0; round < 3000; round += 1) {
      const table = randomTable(random);
      const word = table.wide ? 8 : 4;
      const relocated = expand(table.entries, word);
      const slots = randomSlots(random, relocated, word);
      const header = headerOf(table.wide, table.little);
      const bytes = tableBytes(table);
      const relr: RelocationTable = {
        kind: "relr",
        offset: 0,
        size: bytes.length,
        entrySize: table.stride,
        relativeCount: 0,
      };
      const walked = runSync((window) => walkRelocations(window, header, [relr], slots), bytes);
      const expected = slots.filter((slot) => relocated.has(slot));
      expect([...walked.keys()].sort((a, b) => a - b)).toEqual(expected);
      for (const relocation of walked.values()) expect(relocation.kind).toBe("relr");
      found += expected.length;
      missed += slots.length - expected.length;
    }
    // Both outcomes are exercised often, not just one.
    expect(found).toBeGreaterThan(1000);
    expect(missed).toBeGreaterThan(1000);
  });
});

describe("RELR in the search", () => {
  // A 64-bit little-endian file holding a RELA table of one relative relocation of SLOT, then a
  // RELR table of one address entry: everything the search is given.
  const SLOT = 0x4000;
  const header = headerOf(true, true);
  const rela: RelocationTable = { kind: "rela", offset: 0, size: 24, entrySize: 24, relativeCount: 1 };
  const relr: RelocationTable = { kind: "relr", offset: 24, size: 8, entrySize: 8, relativeCount: 0 };
  const file = (relrAddress: bigint) => {
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(SLOT), true);
    view.setBigUint64(8, 8n, true); // R_X86_64_RELATIVE, no symbol
    view.setBigUint64(16, 0x1234n, true);
    view.setBigUint64(24, relrAddress, true);
    return bytes;
  };
  const search = (bytes: Uint8Array, tables: RelocationTable[]) =>
    runSync((window) => {
      const found = searchRelocations(window, header, tables, [SLOT]);
      return lookup(found, SLOT, () => {
        throw new Error("the search fell back to a full walk");
      });
    }, bytes);

  test("a RELR relocation applied after another one overrides it, as the loader's order does", () => {
    expect(search(file(BigInt(SLOT)), [rela, relr])?.kind).toBe("relr");
    expect(search(file(BigInt(SLOT)), [relr, rela])?.kind).toBe("rela");
    expect(search(file(BigInt(SLOT + 8)), [rela, relr])?.addend).toBe(0x1234);
  });

  test("alone, a RELR table changes no value, so it is not read: a malformed one is no error", () => {
    expect(search(file(BigInt(SLOT)), [relr])).toBeUndefined();
    // An address beyond 2^53 is in no file: an error only once the table has to be read.
    const malformed = file(1n << 60n);
    expect(search(malformed, [relr])).toBeUndefined();
    expect(() => search(malformed, [rela, relr])).toThrow("a RELR address is beyond any file");
  });
});

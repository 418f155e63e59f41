/**
 * translate(): page walks of each architecture over tables written by the test (4 KiB, large and
 * huge pages, holes, entries not present or pointing outside memory, the ends of the canonical
 * range), and the batching promise: one physical batch per table level, whatever the count.
 */
import { describe, expect, test } from "bun:test";
import { MemflowError } from "../src/error.ts";
import type { ArchitectureIdent } from "../src/os/architecture.ts";
import { PAGE_TYPE } from "../src/os/page.ts";
import { type PageTableRoot, type PageTranslation, translate } from "../src/os/translate/translate.ts";
import { WALK, WalkResults } from "../src/os/translate/walk-results.ts";
import { countingMemory, PageTableWriter } from "./support/page-tables.ts";

const X64: ArchitectureIdent = { kind: "X86", bits: 64, addressExtensions: false };
const LA57: ArchitectureIdent = { kind: "X86", bits: 64, addressExtensions: true };
const X86: ArchitectureIdent = { kind: "X86", bits: 32, addressExtensions: false };
const PAE: ArchitectureIdent = { kind: "X86", bits: 32, addressExtensions: true };
const AARCH64: ArchitectureIdent = { kind: "AArch64", pageSize: 4096n };

const KIB = 1024n;
const MIB = 1024n * KIB;
const GIB = 1024n * MIB;
const RW = PAGE_TYPE.WRITEABLE;
const RO = PAGE_TYPE.READ_ONLY;

function mapped(address: bigint, physical: bigint, pageSize: bigint, pageType: number = RW): PageTranslation {
  return { ok: true, address, physical, pageBase: physical - (physical % pageSize), pageSize, pageType };
}

function failed(address: bigint, reason: string, level: number): PageTranslation {
  return { ok: false, address, reason, level } as PageTranslation;
}

/** Translates the addresses of `expected` in one batch: the results, and how many physical batches it took. */
function expectWalk(
  memory: ReturnType<typeof countingMemory>,
  architecture: ArchitectureIdent,
  root: PageTableRoot,
  expected: PageTranslation[],
): number {
  memory.batches = 0;
  const results = translate(
    memory,
    architecture,
    root,
    expected.map((result) => result.address),
  );
  expect(results).toEqual(expected);
  return memory.batches;
}

describe("x86-64, 4 levels", () => {
  const bytes = new Uint8Array(4 * 1024 * 1024);
  const tables = new PageTableWriter(bytes, "x64", 0x30_0000);
  tables.map(0x7fff_0000_1000n, 0x5000n);
  tables.map(0x7fff_0000_3000n, 0x9000n, 3, { writeable: false, noExecute: true });
  tables.map(0x4000_0020_0000n, 0x20_0000n, 2); // 2 MiB
  tables.map(0x40_0000_0000n, 0x4000_0000n, 1); // 1 GiB, outside the memory (translation does not care)
  tables.map(0xffff_ffff_ffff_f000n, 0x6000n, 3, { writeable: false }); // the very top
  tables.map(0xffff_8000_0000_0000n, 0x7000n); // the bottom of the upper half
  // A table entry pointing past the end of physical memory.
  tables.setRaw(0x1000_0000_0000n, 1, 0x10_0000_0000n | 3n);
  const memory = countingMemory(bytes);

  test("translates 4 KiB, 2 MiB and 1 GiB pages with their offsets, types and bases", () => {
    expectWalk(memory, X64, tables.root, [
      mapped(0x7fff_0000_1abcn, 0x5abcn, 4n * KIB),
      mapped(0x7fff_0000_3008n, 0x9008n, 4n * KIB, RO | PAGE_TYPE.NOEXEC),
      mapped(0x4000_0021_2345n, 0x21_2345n, 2n * MIB),
      mapped(0x40_1234_5678n, 0x5234_5678n, GIB),
      mapped(0xffff_ffff_ffff_ffffn, 0x6fffn, 4n * KIB, RO),
      mapped(0xffff_8000_0000_0010n, 0x7010n, 4n * KIB),
    ]);
  });

  test("says where and why an address does not translate", () => {
    expectWalk(memory, X64, tables.root, [
      failed(0x7fff_0000_2000n, "not-present", 3), // a hole in a present page table
      failed(0x7fff_0020_0000n, "not-present", 2), // no page table: the directory entry is zero
      failed(0x1234_0000_0000n, "not-present", 0), // nothing under this PML4 entry
      failed(0x0000_8000_0000_0000n, "out-of-range", 0), // not canonical: bit 47 set, the bits above clear
      failed(0xfffe_ffff_ffff_f000n, "out-of-range", 0), // not canonical either
      failed(0x1000_0000_0000n, "table-unreadable", 2), // the PDPT entry points outside physical memory
    ]);
  });

  test("ignores CR3's low flag bits, and reports a root outside memory as unreadable", () => {
    const [flagged] = translate(memory, X64, BigInt(tables.root) | 0x18n, [0x7fff_0000_1000n]);
    expect(flagged).toEqual(mapped(0x7fff_0000_1000n, 0x5000n, 4n * KIB));
    expect(translate(memory, X64, 0x1_0000_0000n, [0x7fff_0000_1000n])).toEqual([
      failed(0x7fff_0000_1000n, "table-unreadable", 0),
    ]);
  });

  test("takes numbers and bigints alike, and refuses what is not a 64-bit address", () => {
    const [asNumber] = translate(memory, X64, tables.root, [0x7fff_0000_1004]);
    expect(asNumber).toEqual(mapped(0x7fff_0000_1004n, 0x5004n, 4n * KIB));
    for (const bad of [-1, 1.5, 2n ** 64n, -1n]) {
      const error = (() => {
        try {
          translate(memory, X64, tables.root, [bad]);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(MemflowError);
      expect((error as MemflowError).is("VirtualTranslate", "InvalidArgument")).toBe(true);
    }
  });

  test("reads each level once for the whole batch: 4 physical batches for 1 address or 64", () => {
    for (const count of [1, 7, 64, 300]) {
      const addresses = Array.from({ length: count }, (_, index) => 0x7fff_0000_1000n + BigInt(index % 3) * 0x1000n);
      memory.batches = 0;
      translate(memory, X64, tables.root, addresses);
      expect(memory.batches).toBe(4);
    }
    memory.batches = 0;
    translate(memory, X64, tables.root, [0x4000_0020_0000n, 0x40_0000_0000n]); // large pages end early
    expect(memory.batches).toBe(3);
  });

  test("fills a kept WalkResults with the same answers as numbers, for each dtb in turn, allocating nothing", () => {
    const results = new WalkResults();
    const addresses = [0x7fff_0000_1abcn, 0x4000_0021_2345n, 0x7fff_0000_2000n, 0x8000_0000_0000n, 0x40_1234_5678n];
    const objects = translate(memory, X64, tables.root, addresses);
    expect(translate(memory, X64, tables.root, addresses, results)).toBe(results);
    const arrays = { status: results.status, physical: results.physical };
    translate(memory, X64, 0x1_0000_0000n, addresses, results); // another root: nothing translates
    expect(Array.from(results.status.subarray(0, addresses.length))).toEqual(
      addresses.map((address) => (address === 0x8000_0000_0000n ? WALK.OUT_OF_RANGE : WALK.TABLE_UNREADABLE)),
    );
    translate(memory, X64, tables.root, addresses, results); // back: the same arrays, refilled
    expect(results.status).toBe(arrays.status);
    expect(results.physical).toBe(arrays.physical);
    expect(results.count).toBe(addresses.length);
    expect(objects.filter((object) => object.ok).length).toBe(3);
    objects.forEach((object, index) => {
      if (!object.ok) {
        expect(results.status[index]).not.toBe(WALK.OK);
        expect(results.level[index]).toBe(object.level);
        return;
      }
      expect(results.status[index]).toBe(WALK.OK);
      expect(BigInt(results.physical[index] ?? -1)).toBe(object.physical);
      expect(BigInt(results.pageSize[index] ?? -1)).toBe(object.pageSize);
      expect(results.pageType[index]).toBe(object.pageType);
    });
  });

  test("batches the same way over a memory that offers only readMany", () => {
    const plain = countingMemory(bytes, false);
    const addresses = [0x7fff_0000_1abcn, 0x4000_0021_2345n, 0x7fff_0000_2000n, 0xffff_ffff_ffff_ffffn];
    expect(translate(plain, X64, tables.root, addresses)).toEqual(translate(memory, X64, tables.root, addresses));
    expect(plain.batches).toBe(4);
  });
});

describe("x86-64 with LA57, 5 levels", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const tables = new PageTableWriter(bytes, "x64-la57", 0x8_0000);
  tables.map(0x00ff_ffff_ffff_f000n, 0x3000n); // top of the lower half
  tables.map(0xff00_0000_0000_0000n, 0x4000n); // bottom of the upper half
  tables.map(0x0012_3400_0000_0000n + 0x4000_0000n, 0x8000_0000n, 2); // 1 GiB
  const memory = countingMemory(bytes);

  test("translates 57-bit addresses and walks five levels in five batches", () => {
    const batches = expectWalk(memory, LA57, tables.root, [
      mapped(0x00ff_ffff_ffff_f123n, 0x3123n, 4n * KIB),
      mapped(0xff00_0000_0000_0008n, 0x4008n, 4n * KIB),
      mapped(0x0012_3400_4000_0010n, 0x8000_0010n, GIB),
      failed(0x0100_0000_0000_0000n, "out-of-range", 0),
      failed(0x0012_0000_0000_0000n, "not-present", 1),
    ]);
    expect(batches).toBe(5);
  });
});

describe("32-bit x86 without PAE", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const tables = new PageTableWriter(bytes, "x86", 0x8_0000);
  tables.map(0x0804_8000n, 0x1000n);
  tables.map(0xc040_0000n, 0x40_0000n, 0); // 4 MiB
  tables.map(0xffff_f000n, 0x2000n, 1, { writeable: false });
  const memory = countingMemory(bytes);

  test("walks 2 levels of 4-byte entries, 4 MiB pages in the directory", () => {
    const batches = expectWalk(memory, X86, tables.root, [
      mapped(0x0804_8010n, 0x1010n, 4n * KIB),
      mapped(0xc07f_ffffn, 0x7f_ffffn, 4n * MIB),
      mapped(0xffff_ffffn, 0x2fffn, 4n * KIB, RO),
      failed(0x0804_9000n, "not-present", 1),
      failed(0x1_0000_0000n, "out-of-range", 0),
    ]);
    expect(batches).toBe(2);
  });
});

describe("32-bit x86 with PAE", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const tables = new PageTableWriter(bytes, "x86-pae", 0x8_0000);
  tables.map(0x0804_8000n, 0x1000n, 2, { noExecute: true });
  tables.map(0xc020_0000n, 0x9_0020_0000n, 1); // 2 MiB above 4 GiB: PAE's 36-bit physical space
  const memory = countingMemory(bytes);

  test("walks the 4-entry PDPT and 2 levels of 8-byte entries, 2 MiB pages, physical addresses above 4 GiB", () => {
    const batches = expectWalk(memory, PAE, tables.root, [
      mapped(0x0804_8abcn, 0x1abcn, 4n * KIB, RW | PAGE_TYPE.NOEXEC),
      mapped(0xc03f_fffen, 0x9_003f_fffen, 2n * MIB),
      failed(0x4000_0000n, "not-present", 0),
    ]);
    expect(batches).toBe(3);
  });

  test("finds the PDPT at a 32-byte-aligned root, ignoring the low 5 bits", () => {
    bytes.copyWithin(tables.root + 0x60, tables.root, tables.root + 32);
    const [result] = translate(memory, PAE, tables.root + 0x60 + 0x18, [0x0804_8004n]);
    expect(result).toEqual(mapped(0x0804_8004n, 0x1004n, 4n * KIB, RW | PAGE_TYPE.NOEXEC));
  });
});

describe("AArch64, 4 KiB granule", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const low = new PageTableWriter(bytes, "aarch64", 0x8_0000);
  const high = new PageTableWriter(bytes, "aarch64", 0xc_0000);
  low.map(0x0000_7fff_1234_5000n, 0x3000n);
  low.map(0x0000_0040_0000_0000n, 0x8000_0000n, 1); // 1 GiB block at level 1
  low.map(0x0000_0000_0060_0000n, 0x20_0000n, 2, { writeable: false, noExecute: true }); // 2 MiB block
  high.map(0xffff_ffff_ffff_f000n, 0x5000n); // TTBR1's half
  // A level-0 block and a level-3 "block" are not valid descriptors with a 4 KiB granule.
  low.setRaw(0x0000_0100_0000_0000n, 0, 0x4000_0000n | 0b01n);
  low.setRaw(0x0000_7fff_1234_6000n, 3, 0x6000n | 0b01n);
  const memory = countingMemory(bytes);
  const roots = { dtb1: low.root, dtb2: high.root };

  test("translates pages, 1 GiB and 2 MiB blocks, and the upper half through the second root", () => {
    const batches = expectWalk(memory, AARCH64, roots, [
      mapped(0x0000_7fff_1234_5678n, 0x3678n, 4n * KIB),
      mapped(0x0000_0040_1234_5678n, 0x9234_5678n, GIB),
      mapped(0x0000_0000_0061_0000n, 0x21_0000n, 2n * MIB, RO | PAGE_TYPE.NOEXEC),
      mapped(0xffff_ffff_ffff_fff0n, 0x5ff0n, 4n * KIB),
    ]);
    expect(batches).toBe(4);
  });

  test("refuses descriptors invalid for their level, and addresses outside both halves", () => {
    expectWalk(memory, AARCH64, roots, [
      failed(0x0000_0100_0000_0000n, "not-present", 0),
      failed(0x0000_7fff_1234_6000n, "not-present", 3),
      failed(0x0001_0000_0000_0000n, "out-of-range", 0),
      failed(0xffff_8000_0000_0000n, "not-present", 0),
    ]);
  });

  test("uses one root for both halves when given one", () => {
    const [upper] = translate(memory, AARCH64, low.root, [0xffff_ffff_ffff_f000n]);
    expect(upper).toEqual(failed(0xffff_ffff_ffff_f000n, "not-present", 0));
  });
});

test("refuses architectures without a page walk here with (Mmu, InvalidArchitecture)", () => {
  const memory = countingMemory(new Uint8Array(4096));
  for (const architecture of [
    { kind: "AArch64", pageSize: 16384n },
    { kind: "Unknown", id: 3n },
  ] as const) {
    expect(() => translate(memory, architecture, 0, [0])).toThrow(
      expect.objectContaining({ origin: "Mmu", kind: "InvalidArchitecture" }),
    );
  }
});

/**
 * VirtualMemory as a VirtualTranslate: single translations and their errors, page-sized pieces of
 * a range, lists with failures, translation maps merged where contiguous, page maps with
 * memflow's gap filling, physToVirt; and, over random tables, that the scan of the whole space
 * and the walk of single addresses agree.
 */
import { describe, expect, test } from "bun:test";
import type { ArchitectureIdent } from "../src/os/architecture.ts";
import { PAGE_TYPE } from "../src/os/page.ts";
import { translate } from "../src/os/translate/translate.ts";
import { VirtualMemory } from "../src/os/translate/virtual-memory.ts";
import { countingMemory, PageTableWriter, seededRandom } from "./support/page-tables.ts";

const X64: ArchitectureIdent = { kind: "X86", bits: 64, addressExtensions: false };
const AARCH64: ArchitectureIdent = { kind: "AArch64", pageSize: 4096n };
const RW = PAGE_TYPE.WRITEABLE;
const RO = PAGE_TYPE.READ_ONLY;
const KIB = 0x1000n;
const MIB2 = 0x20_0000n;

function piece(inVirtual: bigint, size: bigint, address: bigint, pageSize: bigint, pageType: number = RW) {
  return { inVirtual, size, outPhysical: { address, pageType, pageSize } };
}

describe("x86-64", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const tables = new PageTableWriter(bytes, "x64", 0x8_0000);
  tables.map(0x7000_0000_0000n, 0x5000n);
  tables.map(0x7000_0000_1000n, 0x6000n); // contiguous with the page before
  tables.map(0x7000_0000_2000n, 0x9000n); // not contiguous
  tables.map(0x7000_0000_4000n, 0xa000n, 3, { writeable: false }); // after a one-page gap, another type
  tables.map(0x7000_0000_6000n, 0xc000n); // after a one-page gap, writeable again
  tables.map(0x7000_0020_0000n, 0x40_0000n, 2); // 2 MiB
  tables.map(0xffff_8000_0000_0000n, 0x7000n); // upper half
  const view = new VirtualMemory(countingMemory(bytes), X64, tables.root);

  test("virtToPhys and virtPageInfo give the physical address and page, and OutOfBounds where there is none", () => {
    expect(view.virtToPhys(0x7000_0020_1234n)).toEqual({ address: 0x40_1234n, pageType: RW, pageSize: MIB2 });
    expect(view.virtPageInfo(0x7000_0000_4321n)).toEqual({ pageType: RO, pageBase: 0xa000n, pageSize: KIB });
    for (const address of [0x7000_0000_3000n, 0x8000_0000_0000n]) {
      expect(() => view.virtToPhys(address)).toThrow(
        expect.objectContaining({ origin: "VirtualTranslate", kind: "OutOfBounds" }),
      );
    }
  });

  test("virtToPhysRange gives each page of the range, clipped to it", () => {
    expect(view.virtToPhysRange(0x7000_0000_0800n, 0x7000_0000_5000n)).toEqual([
      piece(0x7000_0000_0800n, 0x800n, 0x5800n, KIB),
      piece(0x7000_0000_1000n, KIB, 0x6000n, KIB),
      piece(0x7000_0000_2000n, KIB, 0x9000n, KIB),
      piece(0x7000_0000_4000n, KIB, 0xa000n, KIB, RO),
    ]);
    expect(view.virtToPhysRange(0x7000_0030_0000n, 0x7000_0030_0010n)).toEqual([
      piece(0x7000_0030_0000n, 0x10n, 0x50_0000n, MIB2),
    ]);
    expect(() => view.virtToPhysRange(2, 1)).toThrow(
      expect.objectContaining({ origin: "VirtualTranslate", kind: "InvalidArgument" }),
    );
  });

  test("virtToPhysList reports what translates and what does not, per range", () => {
    expect(view.virtToPhysList([{ address: 0x7000_0000_2800n, size: 0x2000n }])).toEqual({
      translations: [
        piece(0x7000_0000_2800n, 0x800n, 0x9800n, KIB),
        piece(0x7000_0000_4000n, 0x800n, 0xa000n, KIB, RO),
      ],
      failures: [{ from: 0x7000_0000_3000n, size: KIB }],
    });
  });

  test("the translation map merges what is contiguous in both spaces and of one type, the whole space by default", () => {
    expect(view.virtTranslationMap()).toEqual([
      piece(0x7000_0000_0000n, 2n * KIB, 0x5000n, KIB),
      piece(0x7000_0000_2000n, KIB, 0x9000n, KIB),
      piece(0x7000_0000_4000n, KIB, 0xa000n, KIB, RO),
      piece(0x7000_0000_6000n, KIB, 0xc000n, KIB),
      piece(0x7000_0020_0000n, MIB2, 0x40_0000n, MIB2),
      piece(0xffff_8000_0000_0000n, KIB, 0x7000n, KIB),
    ]);
    expect(view.physToVirt(0x5000n)).toBe(0x7000_0000_0000n);
    expect(view.physToVirt(0x6000n)).toBeUndefined(); // inside a merged run: memflow's rule
    expect(view.physToVirt(0x7000n)).toBe(0xffff_8000_0000_0000n);
  });

  test("the page map joins pages of one type and fills gaps up to gapSize between ranges of one type", () => {
    const upTo = 0x7000_0000_8000n;
    expect(view.virtPageMap(-1, 0x7000_0000_0000n, upTo)).toEqual([
      { address: 0x7000_0000_0000n, size: 3n * KIB, pageType: RW },
      { address: 0x7000_0000_4000n, size: KIB, pageType: RO },
      { address: 0x7000_0000_6000n, size: KIB, pageType: RW },
    ]);
    // A one-page gap is filled only between ranges of one type: here it never is.
    expect(view.virtPageMap(0x1000, 0x7000_0000_0000n, upTo)).toHaveLength(3);
    expect(view.virtPageMap(0x1000, 0x7000_0000_0000n, 0x7000_0000_4000n)).toEqual([
      { address: 0x7000_0000_0000n, size: 3n * KIB, pageType: RW },
    ]);
  });
});

test("AArch64: the scan covers both halves through their own roots", () => {
  const bytes = new Uint8Array(1024 * 1024);
  const low = new PageTableWriter(bytes, "aarch64", 0x8_0000);
  const high = new PageTableWriter(bytes, "aarch64", 0xc_0000);
  low.map(0x0000_0000_4000_0000n, 0x4000_0000n, 1); // a 1 GiB block
  high.map(0xffff_ffff_ffff_f000n, 0x3000n);
  const view = new VirtualMemory(countingMemory(bytes), AARCH64, { dtb1: low.root, dtb2: high.root });
  expect(view.virtTranslationMap(0n, 2n ** 64n)).toEqual([
    piece(0x4000_0000n, 0x4000_0000n, 0x4000_0000n, 0x4000_0000n),
    piece(0xffff_ffff_ffff_f000n, KIB, 0x3000n, KIB),
  ]);
  // memflow's default end is Address::INVALID, exclusive: the last byte of the space is left out.
  expect(view.virtTranslationMap().at(-1)?.size).toBe(KIB - 1n);
});

test("on random tables, every scanned page translates to where the scan says, and addresses off the map do not", () => {
  const next = seededRandom(0x1234_5678);
  for (let round = 0; round < 10; round += 1) {
    const bytes = new Uint8Array(1024 * 1024);
    for (let index = 0; index < 0x4_0000; index += 1) bytes[index] = next() & 0xff;
    const tables = new PageTableWriter(bytes, "x64", 0x8_0000);
    for (let count = 0; count < 30; count += 1) {
      const virtual = (BigInt(next() % 0x80) << 39n) | (BigInt(next() % 4) << 30n) | (BigInt(next() % 8) << 21n);
      const level = [1, 2, 3][next() % 3] ?? 3;
      tables.map(virtual | (level === 3 ? BigInt(next() % 512) << 12n : 0n), BigInt(next() % 0x100) << 21n, level);
    }
    // Some raw entries pointing into the random bytes: their "tables" are garbage, scanned all the same.
    for (let count = 0; count < 3; count += 1)
      tables.setRaw(BigInt(next() % 0x80) << 39n, 1, (BigInt(next() % 0x40) << 12n) | 3n);
    const memory = countingMemory(bytes);
    const view = new VirtualMemory(memory, X64, tables.root);
    const map = view.virtToPhysRange(0n, 0x8000_0000_0000n);
    expect(map.length).toBeGreaterThan(0);
    const starts = map.map((translation) => translation.inVirtual);
    const walked = translate(memory, X64, tables.root, starts);
    expect(walked.map((result) => (result.ok ? result.physical : undefined))).toEqual(
      map.map((translation) => translation.outPhysical.address),
    );
    const mapped = (address: bigint) =>
      map.some((translation) => address >= translation.inVirtual && address < translation.inVirtual + translation.size);
    const probes = Array.from({ length: 300 }, () => (BigInt(next() % 0x80) << 39n) | (BigInt(next()) << 12n));
    for (const [index, result] of translate(memory, X64, tables.root, probes).entries())
      expect(result.ok).toBe(mapped(probes[index] ?? 0n));
  }
});

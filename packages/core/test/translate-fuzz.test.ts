/**
 * The batched walker against a reference walker written here, one address at a time with
 * bigints, straight from the architecture manuals: random page tables (random mappings of every
 * page size, random raw entries, garbage everywhere else) and random addresses (mapped ones,
 * near them, anywhere in 64 bits), seeded so a failure names its seed. Same result for every address.
 */
import { describe, expect, test } from "bun:test";
import type { ArchitectureIdent } from "../src/os/architecture.ts";
import { PAGE_TYPE } from "../src/os/page.ts";
import { type PageTranslation, translate } from "../src/os/translate/translate.ts";
import { countingMemory, LAYOUTS, PageTableWriter, type TableArch } from "./support/page-tables.ts";

/** What the reference needs to know beyond the layout: address widths and who has which bits. */
const ARCHES: Record<
  TableArch,
  { ident: ArchitectureIdent; virtualBits: number; physicalBits: number; rootAlign: bigint; arm: boolean }
> = {
  x64: {
    ident: { kind: "X86", bits: 64, addressExtensions: false },
    virtualBits: 48,
    physicalBits: 52,
    rootAlign: 0xfffn,
    arm: false,
  },
  "x64-la57": {
    ident: { kind: "X86", bits: 64, addressExtensions: true },
    virtualBits: 57,
    physicalBits: 52,
    rootAlign: 0xfffn,
    arm: false,
  },
  x86: {
    ident: { kind: "X86", bits: 32, addressExtensions: false },
    virtualBits: 32,
    physicalBits: 32,
    rootAlign: 0xfffn,
    arm: false,
  },
  "x86-pae": {
    ident: { kind: "X86", bits: 32, addressExtensions: true },
    virtualBits: 32,
    physicalBits: 36,
    rootAlign: 0x1fn,
    arm: false,
  },
  aarch64: {
    ident: { kind: "AArch64", pageSize: 4096n },
    virtualBits: 48,
    physicalBits: 48,
    rootAlign: 0xfffn,
    arm: true,
  },
};

const bit = (value: bigint, index: number) => ((value >> BigInt(index)) & 1n) === 1n;

/** One address, one entry at a time. */
function referenceWalk(
  bytes: Uint8Array,
  arch: TableArch,
  dtb1: bigint,
  dtb2: bigint,
  address: bigint,
): PageTranslation {
  const layout = LAYOUTS[arch];
  const spec = ARCHES[arch];
  const view = new DataView(bytes.buffer);
  const fail = (reason: "not-present" | "out-of-range" | "table-unreadable", level: number): PageTranslation => ({
    ok: false,
    address,
    reason,
    level,
  });
  let upper = false;
  if (spec.virtualBits === 32) {
    if (address >= 1n << 32n) return fail("out-of-range", 0);
  } else {
    const top = address >> BigInt(spec.virtualBits - 1);
    const ones = (1n << BigInt(65 - spec.virtualBits)) - 1n;
    if (top !== 0n && top !== ones) return fail("out-of-range", 0);
    upper = top === ones;
  }
  const physicalMask = (1n << BigInt(spec.physicalBits)) - 1n;
  let table = (spec.arm && upper ? dtb2 : dtb1) & ~spec.rootAlign & physicalMask;
  let writeable = true;
  let noExecute = false;
  const last = layout.shifts.length - 1;
  for (let level = 0; level <= last; level += 1) {
    const shift = BigInt(layout.shifts[level] ?? 0);
    const index = (address >> shift) & ((1n << BigInt(layout.bits[level] ?? 0)) - 1n);
    const at = table + index * BigInt(layout.entry);
    if (at + BigInt(layout.entry) > BigInt(bytes.length)) return fail("table-unreadable", level);
    const entry = layout.entry === 4 ? BigInt(view.getUint32(Number(at), true)) : view.getBigUint64(Number(at), true);
    if (!bit(entry, 0)) return fail("not-present", level);
    let page: boolean;
    if (spec.arm) {
      const tableBit = bit(entry, 1);
      if (level === last) page = true;
      else page = !tableBit;
      if ((level === last && !tableBit) || (level === 0 && !tableBit)) return fail("not-present", level);
      if (page) {
        writeable &&= !bit(entry, 7);
        noExecute ||= bit(entry, 54);
      } else {
        writeable &&= !bit(entry, 62);
        noExecute ||= bit(entry, 60);
      }
    } else {
      page = level === last || (bit(entry, 7) && layout.large.includes(level));
      const pdpt = arch === "x86-pae" && level === 0;
      if (!pdpt) {
        writeable &&= bit(entry, 1);
        noExecute ||= layout.entry === 8 && bit(entry, 63);
      }
    }
    const target = entry & physicalMask & ~0xfffn;
    if (page) {
      const size = 1n << shift;
      const pageBase = target & ~(size - 1n);
      return {
        ok: true,
        address,
        physical: pageBase + (address & (size - 1n)),
        pageBase,
        pageSize: size,
        pageType: (writeable ? PAGE_TYPE.WRITEABLE : PAGE_TYPE.READ_ONLY) | (noExecute ? PAGE_TYPE.NOEXEC : 0),
      };
    }
    table = target;
  }
  return fail("not-present", last);
}

/** xorshift64*, seeded: the same tables and addresses for the same seed. */
function random(seed: bigint) {
  let state = seed || 1n;
  const next = (): bigint => {
    state ^= state >> 12n;
    state ^= (state << 25n) & 0xffff_ffff_ffff_ffffn;
    state ^= state >> 27n;
    return (state * 0x2545_f491_4f6c_dd1dn) & 0xffff_ffff_ffff_ffffn;
  };
  return { next, below: (limit: number) => Number(next() % BigInt(limit)) };
}

/** A random address of the architecture's space (lower or upper half), or sometimes anything at all. */
function randomVirtual(arch: TableArch, rng: ReturnType<typeof random>, anything = true): bigint {
  const bits = ARCHES[arch].virtualBits;
  const value = rng.next();
  if (anything && rng.below(8) === 0) return value;
  if (bits === 32) return value & 0xffff_ffffn;
  const low = value & ((1n << BigInt(bits - 1)) - 1n);
  return rng.below(2) === 0 ? low : low | ((0xffff_ffff_ffff_ffffn << BigInt(bits - 1)) & 0xffff_ffff_ffff_ffffn);
}

function scenario(arch: TableArch, seed: bigint) {
  const rng = random(seed);
  const bytes = new Uint8Array(512 * 1024);
  for (let index = 0; index < bytes.length; index += 8) bytes[index + rng.below(8)] = rng.below(256);
  const lower = new PageTableWriter(bytes, arch, 0x40000);
  const upperTables = ARCHES[arch].arm ? new PageTableWriter(bytes, arch, 0x60000) : lower;
  const layout = LAYOUTS[arch];
  const mappedAt: bigint[] = [];
  for (let count = 0; count < 40; count += 1) {
    const virtual = randomVirtual(arch, rng, false) & ~0xfffn;
    const choices = [...layout.large, layout.shifts.length - 1];
    const level = choices[rng.below(choices.length)] ?? 0;
    const size = 1n << BigInt(layout.shifts[level] ?? 12);
    const physical =
      rng.below(4) === 0 ? rng.next() & 0xf_ffff_ffffn & ~(size - 1n) : BigInt(rng.below(0x80000)) & ~(size - 1n);
    const writer = bit(virtual, 63) ? upperTables : lower;
    try {
      writer.map(virtual, physical, level, { writeable: rng.below(3) > 0, noExecute: rng.below(3) === 0 });
      mappedAt.push(virtual);
    } catch {
      // A random address outside the space, or tables that ran out: the writer could not map it.
    }
  }
  for (let count = 0; count < 6; count += 1) {
    const virtual = mappedAt[rng.below(mappedAt.length)] ?? 0n;
    const level = rng.below(layout.shifts.length);
    const raw = rng.below(2) === 0 ? rng.next() : (BigInt(rng.below(0x90000)) & ~0xfffn) | BigInt(rng.below(4));
    try {
      (bit(virtual, 63) ? upperTables : lower).setRaw(virtual, level, raw);
    } catch {
      // The way to that entry went through garbage: nothing written.
    }
  }
  const addresses: bigint[] = [];
  for (let count = 0; count < 400; count += 1) {
    const kind = rng.below(4);
    const near = mappedAt[rng.below(mappedAt.length)] ?? 0n;
    if (kind === 0) addresses.push(randomVirtual(arch, rng));
    else if (kind === 1) addresses.push((near + (rng.next() % 0x40_0000n)) & 0xffff_ffff_ffff_ffffn);
    else addresses.push(near + (rng.next() % 0x1000n));
  }
  const dtb1 = BigInt(lower.root) | BigInt(rng.below(16));
  return { bytes, addresses, dtb1, dtb2: BigInt(upperTables.root) };
}

describe.each(Object.keys(LAYOUTS) as TableArch[])("%s", (arch) => {
  test("random tables and addresses: the batched walk gives the reference walk's result for each", () => {
    let translated = 0;
    for (let seed = 1n; seed <= 25n; seed += 1n) {
      const { bytes, addresses, dtb1, dtb2 } = scenario(arch, seed * 0x9e37_79b9n + BigInt(arch.length));
      const expected = addresses.map((address) => referenceWalk(bytes, arch, dtb1, dtb2, address));
      const root = ARCHES[arch].arm ? { dtb1, dtb2 } : dtb1;
      const batched = translate(countingMemory(bytes), ARCHES[arch].ident, root, addresses);
      const plain = translate(countingMemory(bytes, false), ARCHES[arch].ident, root, addresses);
      if (!Bun.deepEquals(batched, expected)) expect({ seed, batched }).toEqual({ seed, batched: expected });
      expect(plain).toEqual(expected);
      translated += expected.filter((result) => result.ok).length;
    }
    // The tables are not all garbage: a fair share of the addresses translate (PAE's 4-entry
    // PDPT makes one corrupted entry cost a quarter of the space, hence not more than a fifth).
    expect(translated).toBeGreaterThan(25 * 400 * 0.2);
  });
});

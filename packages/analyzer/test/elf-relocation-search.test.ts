/**
 * The relocation search against the full walk and against readelf, on plugins gcc (GNU ld) and
 * clang with ld.lld build here with 20,000 relative relocations: RELA with DT_RELACOUNT, REL with
 * DT_RELCOUNT (i686), RELR, `-z nocombreloc` (no count: walked whole), and real builds whose
 * sorted entries were then put out of order (the loader does not care; the search must notice).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { runSync } from "../src/drive.ts";
import { readDynamic } from "../src/elf-dynamic.ts";
import { elfAddressMap, readElfHeader, readProgramHeaders } from "../src/elf-headers.ts";
import { lookup, searchRelocations, walkRelocations } from "../src/elf-relocation-search.ts";
import { dynamicRelocationTables, type Relocation, type RelocationTable, slotsOf } from "../src/elf-relocations.ts";
import type { FileWindow } from "../src/file-window.ts";
import { analyzeFile, analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { parseAny } from "../src/parse.ts";
import { quickScan } from "../src/quick-scan.ts";
import { readFirst, runBlocking } from "../src/read-on-demand.ts";
import { loggingReader } from "./support/logging-reader.ts";
import { Random } from "./support/random.ts";
import { buildRealisticPlugin, expectedDescriptor, type RealisticPlugin } from "./support/realistic-plugin.ts";

const gcc = requireTool("gcc", "gcc").available;
const readelf = requireTool("readelf", "binutils").available;
const lld = requireTool("clang-16", "clang-16").available && requireTool("ld.lld-16", "lld-16").available;

type Disorder = "shuffled" | "swapped" | "skewed";

interface Case {
  plugin: RealisticPlugin;
  available: boolean;
  /** Puts the file's sorted relative entries out of order after the build. */
  disorder?: Disorder;
  /**
   * What the search must do: read a small part of the table, the same in more rounds (addresses
   * that interpolate badly), read a (small) RELR table whole, or notice and walk it whole.
   */
  expect: "search" | "rounds" | "relr" | "walk";
}

const size = { textBytes: 256 * 1024, rodataBytes: 256 * 1024, pointers: 20_000 };
const CASES: Case[] = [
  { plugin: { id: "gcc_rela", toolchain: "gcc", bits: 64, ...size }, available: gcc, expect: "search" },
  { plugin: { id: "gcc_rel", toolchain: "gcc", bits: 32, ...size }, available: gcc, expect: "search" },
  { plugin: { id: "gcc_relr", toolchain: "gcc", bits: 64, relr: true, ...size }, available: gcc, expect: "relr" },
  {
    plugin: { id: "gcc_nocombreloc", toolchain: "gcc", bits: 64, linkFlags: ["-z", "nocombreloc"], ...size },
    available: gcc,
    expect: "walk",
  },
  { plugin: { id: "lld_rela", toolchain: "clang-lld", bits: 64, ...size }, available: lld, expect: "search" },
  { plugin: { id: "lld_rel", toolchain: "clang-lld", bits: 32, ...size }, available: lld, expect: "search" },
  {
    plugin: { id: "gcc_shuffled", toolchain: "gcc", bits: 64, ...size },
    available: gcc,
    disorder: "shuffled",
    expect: "walk",
  },
  {
    plugin: { id: "lld_swapped", toolchain: "clang-lld", bits: 64, ...size },
    available: lld,
    disorder: "swapped",
    expect: "walk",
  },
  {
    plugin: { id: "gcc_skewed", toolchain: "gcc", bits: 64, ...size },
    available: gcc,
    disorder: "skewed",
    expect: "rounds",
  },
];

/** The dynamic relocation tables of an ELF file, as the analyzer finds them. */
function tablesOf(bytes: Uint8Array) {
  return runSync((window) => {
    const header = readElfHeader(window);
    const programHeaders = readProgramHeaders(window, header);
    const dynamic = readDynamic(window, header, programHeaders);
    if (dynamic === undefined) throw new Error("no dynamic segment");
    return { header, tables: dynamicRelocationTables(header, dynamic, elfAddressMap(programHeaders)) };
  }, bytes);
}

/** The search's answer for each slot (with its fall-back), the full walk's, and whether it fell back. */
function relocationsOf(bytes: Uint8Array, slots: readonly number[]) {
  return runSync((window) => {
    const { header, tables } = tablesOf(bytes);
    const wanted = slotsOf(slots);
    const search = searchRelocations(window, header, tables, wanted);
    const full = walkRelocations(window, header, tables, wanted);
    let fellBack = false;
    const fast = slots.map((slot) =>
      lookup(search, slot, () => {
        fellBack = true;
        return full;
      }),
    );
    return { fast, full: slots.map((slot) => full.get(slot)), fellBack };
  }, bytes);
}

/** Rewrites the sorted relative entries of the file's RELA/REL table out of order. */
function disorder(bytes: Uint8Array, how: Disorder, descriptorSlot: number): Uint8Array {
  const out = bytes.slice();
  const { header, tables } = tablesOf(bytes);
  const table = tables.find((candidate) => candidate.kind !== "relr" && candidate.relativeCount > 0);
  if (table === undefined) throw new Error("no sorted relative entries to disorder");
  const entry = (index: number) =>
    out.slice(table.offset + index * table.entrySize, table.offset + (index + 1) * table.entrySize);
  const swap = (a: number, b: number) => {
    const first = entry(a);
    out.set(entry(b), table.offset + a * table.entrySize);
    out.set(first, table.offset + b * table.entrySize);
  };
  const count = table.relativeCount;
  if (how === "skewed") return skewed(out, header.wide, table, descriptorSlot);
  if (how === "shuffled") {
    const random = new Random(0x5e7);
    for (let index = count - 1; index > 0; index -= 1) swap(index, random.below(index + 1));
    return out;
  }
  // Only the descriptor's own entry moves, to the middle of the table: every other entry stays sorted.
  const view = new DataView(out.buffer);
  const target = (index: number) =>
    Number(
      header.wide
        ? view.getBigUint64(table.offset + index * table.entrySize, true)
        : view.getUint32(table.offset + index * table.entrySize, true),
    );
  let at = 0;
  while (at < count && target(at) !== descriptorSlot) at += 1;
  if (at === count) throw new Error("the descriptor's name pointer has no relative relocation");
  swap(at, Math.floor(count / 2));
  return out;
}

/**
 * Still sorted, but every other relative entry below the descriptor's slot moves to the top, two
 * bytes past one of the highest entries (an address no other entry and no probe uses): the
 * descriptor's entry then sits far below where interpolating between the addresses puts it, and
 * the search takes several rounds.
 */
function skewed(out: Uint8Array, wide: boolean, table: RelocationTable, descriptorSlot: number): Uint8Array {
  const view = new DataView(out.buffer);
  const word = wide ? 8 : 4;
  const at = (index: number) => table.offset + index * table.entrySize;
  const target = (index: number) =>
    wide ? Number(view.getBigUint64(at(index), true)) : view.getUint32(at(index), true);
  const setTarget = (index: number, value: number) =>
    wide ? view.setBigUint64(at(index), BigInt(value), true) : view.setUint32(at(index), value, true);
  const count = table.relativeCount;
  let moved = 0;
  for (let index = 0; index < count && target(index) < descriptorSlot - 8 * word; index += 2) {
    const above = target(count - 1 - moved);
    if (above <= descriptorSlot + 8 * word) break;
    setTarget(index, above + 2);
    moved += 1;
  }
  if (moved < 1000) throw new Error(`only ${moved} entries could move above the descriptor`);
  const entries = Array.from({ length: count }, (_, index) => out.slice(at(index), at(index + 1)));
  const targetOf = (entry: Uint8Array) =>
    wide ? Number(new DataView(entry.buffer).getBigUint64(0, true)) : new DataView(entry.buffer).getUint32(0, true);
  entries.sort((a, b) => targetOf(a) - targetOf(b));
  for (const [index, entry] of entries.entries()) out.set(entry, at(index));
  return out;
}

interface Listed {
  offset: number;
  kind: Relocation["kind"];
  addend?: number;
}

/** Every dynamic relocation readelf lists (RELR expanded), as an independent oracle. */
function readelfRelocations(path: string): Listed[] {
  const output = Bun.spawnSync(["readelf", "-r", "-W", path]).stdout.toString();
  const listed: Listed[] = [];
  let kind: Relocation["kind"] = "rela";
  for (const line of output.split("\n")) {
    const section = /^Relocation section '\.(rela|rel|relr)\./.exec(line);
    if (section) kind = section[1] as Relocation["kind"];
    // RELATIVE rows (no symbol; RELA ends with the addend) and RELR's bare offsets.
    const row = /^([0-9a-f]{8,16})(?:\s+[0-9a-f]+\s+R_\S+(?:\s+([0-9a-f]+))?)?\s*$/.exec(line);
    if (!row) continue;
    listed.push({
      offset: Number.parseInt(row[1] ?? "", 16),
      kind,
      ...(kind === "rela" ? { addend: Number.parseInt(row[2] ?? "0", 16) } : {}),
    });
  }
  return listed;
}

function descriptorAddress(path: string, name: string): number {
  const output = Bun.spawnSync(["readelf", "--dyn-syms", "-W", path]).stdout.toString();
  const line = output.split("\n").find((candidate) => candidate.endsWith(` ${name}`));
  if (line === undefined) throw new Error(`${name} is not among the dynamic symbols`);
  return Number.parseInt(line.trim().split(/\s+/)[1] ?? "", 16);
}

const directory = mkdtempSync(join(tmpdir(), "memflow-ts-relocation-search-"));
const built = new Map<string, { path: string; bytes: Uint8Array; nameSlot: number }>();

beforeAll(() => {
  for (const { plugin, available, disorder: how } of CASES) {
    if (!available || !readelf) continue;
    const path = buildRealisticPlugin(plugin, directory);
    const pointerAt = plugin.bits === 64 ? 0x18 : 0x10; // the name's pointer field
    const nameSlot = descriptorAddress(path, expectedDescriptor(plugin).export_name) + pointerAt;
    const bytes = new Uint8Array(readFileSync(path));
    if (how === undefined) {
      built.set(plugin.id, { path, bytes, nameSlot });
      continue;
    }
    // Written out, so that readelf lists the entries the tests read.
    const disordered = join(directory, `${plugin.id}-${how}.so`);
    writeFileSync(disordered, disorder(bytes, how, nameSlot));
    built.set(plugin.id, { path: disordered, bytes: new Uint8Array(readFileSync(disordered)), nameSlot });
  }
}, BUILD_HOOK_TIMEOUT);

process.on("exit", () => rmSync(directory, { recursive: true, force: true }));

test("slotsOf sorts the pointer fields' addresses and drops repeats, as the search expects", () => {
  expect(slotsOf([])).toEqual([]);
  expect(slotsOf([0x40, 0x18, 0x28])).toEqual([0x18, 0x28, 0x40]);
  // Two descriptors, the second's fields first, one address named twice.
  expect(slotsOf([0x98, 0x88, 0x78, 0x40, 0x30, 0x20, 0x30])).toEqual([0x20, 0x30, 0x40, 0x78, 0x88, 0x98]);
});

for (const testCase of CASES) {
  const { plugin } = testCase;
  describe.skipIf(!testCase.available || !readelf)(`${plugin.id} (${plugin.toolchain}, ${plugin.bits}-bit)`, () => {
    const file = () => {
      const found = built.get(plugin.id);
      if (found === undefined) throw new Error(`${plugin.id} was not built`);
      return found;
    };

    test("gives the descriptor the build defined, from memory and through a reader", async () => {
      expect(parseDescriptors(file().bytes)).toEqual([expectedDescriptor(plugin)]);
      expect(await analyzeFile(countingReader(file().bytes))).toEqual([expectedDescriptor(plugin)]);
    });

    test("finds what the full walk finds for relocated and unrelocated slots, and what readelf lists", () => {
      const { nameSlot } = file();
      const word = plugin.bits === 64 ? 8 : 4;
      const listed = readelfRelocations(file().path).filter((_, index) => index % 41 === 0);
      const descriptorSlots = [nameSlot, nameSlot + 2 * word, nameSlot + 4 * word];
      const slots = [
        ...descriptorSlots,
        ...listed.map((entry) => entry.offset),
        ...listed.map((entry) => entry.offset + 1),
      ];
      const { fast, full } = relocationsOf(file().bytes, slots);
      // A RELR relocation leaves the stored value, as no relocation does: the search reads a RELR
      // table only where it overrides another relocation, so it may answer "none" for it.
      const decisive = (relocation: Relocation | undefined) => (relocation?.kind === "relr" ? undefined : relocation);
      expect(fast).toEqual(full.map(decisive));
      expect(listed.length).toBeGreaterThan(400);
      for (const [index, entry] of listed.entries()) {
        const found = full[descriptorSlots.length + index];
        expect(found?.kind).toBe(entry.kind);
        if (entry.addend !== undefined) expect(found?.addend).toBe(entry.addend);
        expect(full[descriptorSlots.length + listed.length + index]).toBeUndefined();
      }
      for (const slot of full.slice(0, descriptorSlots.length)) expect(slot).toBeDefined();
    });

    test("a synchronous reader gets the same reads as a promised one, with one run of the parser", async () => {
      const synchronous = loggingReader(file().bytes, (range) => range);
      const promised = loggingReader(file().bytes, async (range) => range);
      let runs = 0;
      const counted = (window: FileWindow) => {
        runs += 1;
        return parseAny(window);
      };
      expect(runBlocking(counted, synchronous.reader)).toEqual([expectedDescriptor(plugin)]);
      expect(await analyzeFile(promised.reader)).toEqual([expectedDescriptor(plugin)]);
      expect(synchronous.reads).toEqual(promised.reads);
      expect(synchronous.outside).toEqual([]);
      expect(runs).toBe(1);
    });

    test("a quick scan answers as the full parser does where the search settles the slots, and gives up where it walks", () => {
      const quick = loggingReader(file().bytes, (range) => range);
      const answer = quickScan(quick.reader, readFirst(quick.reader));
      if (testCase.expect === "walk") expect(answer).toBeUndefined();
      else {
        expect(answer).toEqual([expectedDescriptor(plugin)]);
        // No more reads than the synchronous driver issues.
        const driver = loggingReader(file().bytes, (range) => range);
        runBlocking(parseAny, driver.reader);
        expect(quick.reads.length).toBeLessThanOrEqual(driver.reads.length);
      }
      expect(analyzeFileSync(loggingReader(file().bytes, (range) => range).reader)).toEqual([
        expectedDescriptor(plugin),
      ]);
    });

    if (testCase.expect === "search") {
      test("reads a small part of its relocation table, and falls back only for slots it did not find", async () => {
        const { tables } = tablesOf(file().bytes);
        const tableBytes = tables.reduce((sum, table) => sum + table.size, 0);
        const reader = countingReader(file().bytes);
        await analyzeFile(reader);
        expect(reader.bytesRead).toBeLessThan(tableBytes / 4);
        // Headers; the dynamic segment; the descriptor with the relocation blocks; its strings.
        expect(reader.rounds).toBeLessThanOrEqual(4);
        expect(relocationsOf(file().bytes, [file().nameSlot]).fellBack).toBe(false);
        // The plugin_version field has no relocation: the search cannot rule one out elsewhere.
        const unrelocated = file().nameSlot - (plugin.bits === 64 ? 0x18 : 0x10);
        const { fast, fellBack } = relocationsOf(file().bytes, [unrelocated]);
        expect(fast).toEqual([undefined]);
        expect(fellBack).toBe(true);
      });
    } else if (testCase.expect === "rounds") {
      test("searches in more rounds when addresses interpolate badly, still reading little of its table", async () => {
        const { tables } = tablesOf(file().bytes);
        const tableBytes = tables.reduce((sum, table) => sum + table.size, 0);
        const reader = countingReader(file().bytes);
        await analyzeFile(reader);
        expect(reader.rounds).toBeGreaterThan(4);
        expect(reader.bytesRead).toBeLessThan(tableBytes / 4);
        expect(relocationsOf(file().bytes, [file().nameSlot]).fellBack).toBe(false);
      });
    } else if (testCase.expect === "relr") {
      test("needs nothing from its RELR table (no other table relocates the descriptor), and no fall-back", async () => {
        const { tables } = tablesOf(file().bytes);
        expect(tables.map((table) => table.kind)).toEqual(["relr"]);
        const reader = countingReader(file().bytes);
        await analyzeFile(reader);
        expect(reader.bytesRead).toBeLessThan(64 * 1024);
        expect(reader.rounds).toBeLessThanOrEqual(4);
        const { fast, full, fellBack } = relocationsOf(file().bytes, [file().nameSlot, file().nameSlot - 0x18]);
        expect(fast).toEqual([undefined, undefined]);
        expect(full[0]?.kind).toBe("relr");
        expect(fellBack).toBe(false);
      });
    } else {
      test("walks the whole table: it has no sorted part, or the search saw it out of order", async () => {
        const { tables } = tablesOf(file().bytes);
        const reader = countingReader(file().bytes);
        await analyzeFile(reader);
        const largest = Math.max(...tables.map((table) => table.size));
        expect(reader.bytesRead).toBeGreaterThanOrEqual(largest);
      });
    }
  });
}

/** A reader over bytes in memory that counts what it is asked for. */
/**
 * An asynchronous reader that counts the bytes it is asked for and the rounds of reads: the
 * driver issues all of a round's reads before it awaits any, so a read issued while none is
 * pending starts a round.
 */
function countingReader(bytes: Uint8Array) {
  let pending = 0;
  const reader = {
    size: bytes.length,
    bytesRead: 0,
    rounds: 0,
    async read(offset: number, length: number) {
      if (pending === 0) reader.rounds += 1;
      pending += 1;
      reader.bytesRead += length;
      await Promise.resolve();
      pending -= 1;
      return bytes.subarray(offset, offset + length);
    },
  };
  return reader;
}

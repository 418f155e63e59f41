/**
 * VirtualMemory: reads and writes through page tables written by the test, with MemoryAccess's
 * promises (per-request counts, zero where nothing was read, PartialData from the single forms),
 * requests cut at page boundaries and batched (one walk plus one physical batch), the same bytes
 * over a TypeScript memory and over core's native test connector holding the same tables.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { MemflowError } from "../src/error.ts";
import { Inventory } from "../src/inventory/inventory.ts";
import type { ArchitectureIdent } from "../src/os/architecture.ts";
import { VirtualMemory } from "../src/os/translate/virtual-memory.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildTestPlugin, pluginDirectory } from "./support/build-plugins.ts";
import { countingMemory, PageTableWriter } from "./support/page-tables.ts";

const X64: ArchitectureIdent = { kind: "X86", bits: 64, addressExtensions: false };
const MIB = 1024 * 1024;

/** 4 MiB of physical memory: data frames with a pattern, tables from 3 MiB. */
function addressSpace() {
  const bytes = new Uint8Array(4 * MIB);
  for (let index = 0; index < 3 * MIB; index += 1) bytes[index] = (index * 7 + (index >> 12)) & 0xff;
  const tables = new PageTableWriter(bytes, "x64", 3 * MIB);
  tables.map(0x7000_0000_0000n, 0x5000n); // two pages, not contiguous in physical memory
  tables.map(0x7000_0000_1000n, 0x3000n);
  // 0x7000_0000_2000 is a hole; the page after it is mapped again.
  tables.map(0x7000_0000_3000n, 0x8000n);
  tables.map(0x7000_0020_0000n, 0x20_0000n, 2); // a 2 MiB page
  tables.map(0x7000_0040_0000n, 0x1_0000_0000n); // a frame past the end of physical memory
  tables.map(0xffff_ffff_ffff_f000n, 0x9000n); // the last page of the space
  return { bytes, tables };
}

const expectedAt = (bytes: Uint8Array, physical: number, length: number) => bytes.slice(physical, physical + length);

describe.each([
  ["a memory with batches (run)", true],
  ["a memory with readMany only", false],
])("over %s", (_name, batched) => {
  const { bytes, tables } = addressSpace();
  const memory = countingMemory(bytes, batched);
  const view = new VirtualMemory(memory, X64, tables.root);

  test("reads within a page, across pages not contiguous in physical memory, and inside a 2 MiB page", () => {
    expect(view.read(0x7000_0000_0010, 16)).toEqual(expectedAt(bytes, 0x5010, 16));
    const across = view.read(0x7000_0000_0ff8, 16);
    expect(across.subarray(0, 8)).toEqual(expectedAt(bytes, 0x5ff8, 8));
    expect(across.subarray(8)).toEqual(expectedAt(bytes, 0x3000, 8));
    expect(view.read(0x7000_0021_0000n, 0x3000)).toEqual(expectedAt(bytes, 0x21_0000, 0x3000));
  });

  test("reports per request what could be read, zero where nothing was, and batches the whole call", () => {
    memory.batches = 0;
    const results = view.readMany([
      { address: 0x7000_0000_1ff0, length: 0x20 }, // runs into the hole
      { address: 0x7000_0000_1ff0, length: 0x1020 }, // across the hole into the next mapped page
      { address: 0x7000_0040_0000, length: 8 }, // translates, but the frame is not in physical memory
      { address: 0x1234_0000_0000, length: 4 }, // not mapped at all
      { address: 0x7000_0000_0000, length: 4 },
    ]);
    expect(memory.batches).toBe(5); // four table levels for every page of every request, one data batch
    expect(results.map(({ done, failed, ok }) => ({ done, failed, ok }))).toEqual([
      { done: 0x10, failed: 0x10, ok: false },
      { done: 0x20, failed: 0x1000, ok: false },
      { done: 0, failed: 8, ok: false },
      { done: 0, failed: 4, ok: false },
      { done: 4, failed: 0, ok: true },
    ]);
    const [intoHole, acrossHole] = results;
    expect(intoHole?.data).toEqual(new Uint8Array([...expectedAt(bytes, 0x3ff0, 0x10), ...new Uint8Array(0x10)]));
    expect(acrossHole?.data.subarray(0x10, 0x1010)).toEqual(new Uint8Array(0x1000));
    expect(acrossHole?.data.subarray(0x1010)).toEqual(expectedAt(bytes, 0x8000, 0x10));
    expect(results[2]?.data).toEqual(new Uint8Array(8));
  });

  test("readBatch: the same batches, and readMany's results in columns over one buffer", () => {
    const requests = [
      { address: 0x7000_0000_1ff0, length: 0x20 }, // runs into the hole
      { address: 0xffff_ffff_ffff_fff8n, length: 16 }, // the last bytes of the space, and past it
      { address: 0x7000_0000_0000, length: 0 },
      { address: 0x7000_0021_0000n, length: 0x3000 },
    ];
    memory.batches = 0;
    const results = view.readBatch(requests);
    expect(memory.batches).toBe(5);
    expect([0, 1, 2, 3].map((index) => [results.offset(index), results.done(index), results.failed(index)])).toEqual([
      [0, 0x10, 0x10],
      [0x20, 8, 8],
      [0x30, 0, 0],
      [0x30, 0x3000, 0],
    ]);
    expect(results.bytes.subarray(0, 0x20)).toEqual(
      new Uint8Array([...expectedAt(bytes, 0x3ff0, 0x10), ...new Uint8Array(0x10)]),
    );
    expect(results.data(1)).toEqual(new Uint8Array([...expectedAt(bytes, 0x9ff8, 8), ...new Uint8Array(8)]));
    expect(results.data(3)).toEqual(expectedAt(bytes, 0x21_0000, 0x3000));
    expect(results.address(1)).toBe(0xffff_ffff_ffff_fff8n);
    expect(view.readMany(requests)).toEqual([...results]);
  });

  test("readInto zero-fills what it could not read and counts the bytes read from the start", () => {
    const buffer = new Uint8Array(0x30).fill(0xee);
    expect(view.readInto(0x7000_0000_1fe0, buffer)).toBe(0x20);
    expect(buffer.subarray(0, 0x20)).toEqual(expectedAt(bytes, 0x3fe0, 0x20));
    expect(buffer.subarray(0x20)).toEqual(new Uint8Array(0x10));
  });

  test("read throws (VirtualMemory, PartialData) naming the bytes it could not read", () => {
    let error: unknown;
    try {
      view.read(0x7000_0000_1ff8, 16);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MemflowError);
    expect((error as MemflowError).is("VirtualMemory", "PartialData")).toBe(true);
    expect((error as MemflowError).detail).toContain("8 of 16 bytes at 0x700000001ff8");
  });

  test("reads the last bytes of the 64-bit space, and nothing past it", () => {
    expect(view.read(0xffff_ffff_ffff_fff0n, 16)).toEqual(expectedAt(bytes, 0x9ff0, 16));
    const [past] = view.readMany([{ address: 0xffff_ffff_ffff_fff8n, length: 16 }]);
    expect({ done: past?.done, failed: past?.failed }).toEqual({ done: 8, failed: 8 });
    expect(past?.data.subarray(0, 8)).toEqual(expectedAt(bytes, 0x9ff8, 8));
  });

  test("writes go to the translated frames, across pages; a write into a hole is partial", () => {
    const data = Uint8Array.from({ length: 0x20 }, (_, index) => 0x80 + index);
    view.write(0x7000_0000_0ff0, data);
    expect(expectedAt(bytes, 0x5ff0, 0x10)).toEqual(data.subarray(0, 0x10));
    expect(expectedAt(bytes, 0x3000, 0x10)).toEqual(data.subarray(0x10));
    expect(view.read(0x7000_0000_0ff0, 0x20)).toEqual(data);
    const [partial] = view.writeMany([{ address: 0x7000_0000_1ff0, data }]);
    expect(partial).toEqual({ done: 0x10, failed: 0x10, ok: false });
    expect(() => view.write(0x7000_0000_2000, data)).toThrow(
      expect.objectContaining({ origin: "VirtualMemory", kind: "PartialData" }),
    );
  });

  test("says what a memory view's metadata says: the physical sizes, a 64-bit little-endian space", () => {
    expect(view.metadata()).toEqual({
      maxAddress: BigInt(bytes.length - 1),
      realSize: BigInt(bytes.length),
      readonly: false,
      littleEndian: true,
      archBits: 64,
    });
  });
});

describe("over core's native test connector", () => {
  const directory = pluginDirectory("memflow-ts-virtual-memory-");
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test("reads the same bytes as over the TypeScript memory holding the same tables", () => {
    buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
    const inventory = Inventory.scanPath(directory, { host: hostFor("linux", process.arch) });
    const { bytes, tables } = addressSpace();
    using connector = inventory.instantiateConnector("testmem", undefined, ":size=400000"); // hex: 4 MiB
    connector.write(0, bytes);
    const native = new VirtualMemory(connector, X64, tables.root);
    const script = new VirtualMemory(countingMemory(bytes), X64, tables.root);
    const requests = [
      { address: 0x7000_0000_0ff8, length: 16 },
      { address: 0x7000_0000_1ff0, length: 0x1020 },
      { address: 0x7000_0021_0000, length: 0x3000 },
      { address: 0x7000_0040_0000, length: 8 },
      { address: 0xffff_ffff_ffff_fff8n, length: 16 },
    ];
    const fromNative = native.readMany(requests);
    expect(fromNative).toEqual(script.readMany(requests));
    expect(fromNative.filter((result) => result.done > 0)).toHaveLength(4);
  });
});

test("a 32-bit PAE address space: reads across its pages, 32-bit pointers, nothing above 4 GiB", () => {
  const bytes = new Uint8Array(MIB);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 13) & 0xff;
  const tables = new PageTableWriter(bytes, "x86-pae", 0x8_0000);
  tables.map(0x0804_8000n, 0x2000n, 2);
  tables.map(0x0804_9000n, 0x7000n, 2);
  const view = new VirtualMemory(
    countingMemory(bytes),
    { kind: "X86", bits: 32, addressExtensions: true },
    tables.root,
  );
  const across = view.read(0x0804_8ffc, 8);
  expect(across).toEqual(new Uint8Array([...expectedAt(bytes, 0x2ffc, 4), ...expectedAt(bytes, 0x7000, 4)]));
  expect(view.metadata().archBits).toBe(32);
  const [above] = view.readMany([{ address: 0x1_0804_8000, length: 4 }]);
  expect({ done: above?.done, failed: above?.failed }).toEqual({ done: 0, failed: 4 });
  expect(view.readMany([{ address: 0x0804_8000, length: 0 }])).toEqual([
    { address: 0x0804_8000n, data: new Uint8Array(0), done: 0, failed: 0, ok: true },
  ]);
});

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  analyzeByteOrder,
  analyzeByteOrderSync,
  bytesReader,
  type FileByteOrder,
  fileByteOrder,
  parseDescriptors,
} from "../src/index.ts";
import { FIXTURES_DIR, fixtureFiles } from "./support/corpus.ts";
import { errorKind } from "./support/error-kind.ts";

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));

/** The byte order from bytes, from an asynchronous reader and from a synchronous one, which must agree. */
async function byteOrderOf(bytes: Uint8Array): Promise<FileByteOrder> {
  const fromBytes = fileByteOrder(bytes);
  expect(await analyzeByteOrder(bytesReader(bytes))).toBe(fromBytes);
  const syncReader = {
    size: bytes.length,
    read: (offset: number, length: number) => bytes.subarray(offset, offset + length),
  };
  expect(analyzeByteOrderSync(syncReader)).toBe(fromBytes);
  return fromBytes;
}

/** A universal file (FAT_MAGIC, header stored big-endian) holding `slices` at 4 KiB boundaries. */
function universal(slices: readonly Uint8Array[]): Uint8Array {
  const page = 4096;
  let end = page;
  const offsets = slices.map((slice) => {
    const offset = end;
    end = Math.ceil((offset + slice.length) / page) * page;
    return offset;
  });
  const bytes = new Uint8Array(end);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xcafebabe);
  view.setUint32(4, slices.length);
  slices.forEach((slice, index) => {
    const entry = 8 + index * 20; // fat_arch: cputype, cpusubtype, offset, size, align
    view.setUint32(entry + 8, offsets[index] ?? 0);
    view.setUint32(entry + 12, slice.length);
    view.setUint32(entry + 16, 12);
    bytes.set(slice, offsets[index]);
  });
  return bytes;
}

/** A big-endian 32-bit Mach-O header for PowerPC (cputype 18) with no load commands. */
function bigEndianMachO(): Uint8Array {
  const bytes = new Uint8Array(28);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedface); // MH_MAGIC, written in the file's own (big-endian) order
  view.setUint32(4, 18);
  view.setUint32(12, 6); // MH_DYLIB
  return bytes;
}

const BIG_ENDIAN = ["elf/aarch64_be-clang-lld.so", "elf/mips-be-clang-lld.so", "elf/ppc64-be-clang-lld.so"];

const LITTLE_ENDIAN_BY_FORMAT: [string, string][] = [
  ["ELF64", "elf/x86_64-gcc.so"],
  ["ELF32", "elf/i686-gcc.so"],
  ["PE32+", "pe/lld-x86_64.dll"],
  ["PE32", "pe/mingw-i686.dll"],
  ["64-bit Mach-O", "macho/arm64-chained.dylib"],
  ["32-bit Mach-O", "macho/arm64_32.dylib"],
  ["universal Mach-O", "macho/universal-x86_64-arm64.dylib"],
];

describe("byte order", () => {
  test.each(BIG_ENDIAN)("%s is big-endian", async (name) => {
    expect(await byteOrderOf(fixture(name))).toBe("big");
  });

  test.each(LITTLE_ENDIAN_BY_FORMAT)("%s (%s) is little-endian", async (_, name) => {
    expect(await byteOrderOf(fixture(name))).toBe("little");
  });

  test("tells aarch64_be from aarch64, which the descriptors label arm64 alike", () => {
    const big = fixture("elf/aarch64_be-clang-lld.so");
    const little = fixture("elf/aarch64-gcc.so");
    expect([parseDescriptors(big)[0]?.architecture, fileByteOrder(big)]).toEqual(["arm64", "big"]);
    expect([parseDescriptors(little)[0]?.architecture, fileByteOrder(little)]).toEqual(["arm64", "little"]);
  });

  test("every other fixture that parses is little-endian", () => {
    for (const { name, bytes } of fixtureFiles()) {
      if (BIG_ENDIAN.includes(name) || errorKind(() => parseDescriptors(bytes)) !== "no error") continue;
      expect({ name, order: fileByteOrder(bytes) }).toEqual({ name, order: "little" });
    }
  });

  test("a universal file is mixed when its slices differ, else their common order", async () => {
    const little = fixture("macho/x86_64-classic.dylib");
    const mixed = universal([little, bigEndianMachO()]);
    expect(await byteOrderOf(mixed)).toBe("mixed");
    // The descriptors are still read, from the slice that has them.
    expect(parseDescriptors(mixed)).toEqual(parseDescriptors(little));
    expect(await byteOrderOf(universal([bigEndianMachO(), bigEndianMachO()]))).toBe("big");
    expect(await byteOrderOf(universal([little, little]))).toBe("little");
  });

  test("a file that is no plugin binary, or whose header contradicts itself, is an AnalyzeError", () => {
    expect(errorKind(() => fileByteOrder(new TextEncoder().encode("not a library")))).toBe("bad-magic");
    expect(errorKind(() => fileByteOrder(new Uint8Array([0x7f, 0x45, 0x4c])))).toBe("bad-magic");
    const badData = fixture("elf/x86_64-gcc.so");
    badData[5] = 3; // EI_DATA: neither ELFDATA2LSB nor ELFDATA2MSB
    expect(errorKind(() => fileByteOrder(badData))).toBe("malformed");
    // An empty universal file has descriptors ([]) but no code whose byte order could be told.
    expect(errorKind(() => fileByteOrder(universal([])))).toBe("malformed");
    const archive = new TextEncoder().encode("!<arch>\n");
    expect(errorKind(() => fileByteOrder(universal([archive])))).toBe("unsupported");
    expect(errorKind(() => fileByteOrder(universal([new Uint8Array(8)])))).toBe("bad-magic");
  });
});

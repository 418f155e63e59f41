import { describe, expect, test } from "bun:test";
import { isBinary } from "../src/index.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("isBinary", () => {
  test("accepts ELF, PE and Mach-O in either byte order, thin or universal", () => {
    expect(isBinary(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))).toBe(true);
    expect(isBinary(bytes(0x4d, 0x5a, 0x90, 0x00))).toBe(true);
    for (const magic of [0xfeedface, 0xfeedfacf, 0xcafebabe, 0xcafebabf]) {
      const big = new Uint8Array(4);
      new DataView(big.buffer).setUint32(0, magic, false);
      expect(isBinary(big)).toBe(true);
      expect(isBinary(big.slice().reverse())).toBe(magic === 0xfeedface || magic === 0xfeedfacf);
    }
  });

  test("like memflow, needs four bytes, even for MZ", () => {
    expect(isBinary(bytes(0x4d, 0x5a))).toBe(false);
    expect(isBinary(bytes(0x4d, 0x5a, 0))).toBe(false);
    expect(isBinary(bytes())).toBe(false);
  });

  test("rejects text and near-miss magics", () => {
    expect(isBinary(new TextEncoder().encode("#!/bin/sh\necho not a plugin\n"))).toBe(false);
    expect(isBinary(bytes(0x7f, 0x45, 0x4c, 0x47))).toBe(false);
    expect(isBinary(bytes(0xfe, 0xed, 0xfa, 0xcd))).toBe(false);
    expect(isBinary(bytes(0x5a, 0x4d, 0, 0))).toBe(false);
  });

  test("reads the magic of a view that does not start at its buffer's offset 0", () => {
    const backing = bytes(0, 0, 0, 0x7f, 0x45, 0x4c, 0x46);
    expect(isBinary(backing.subarray(3))).toBe(true);
    expect(isBinary(backing.subarray(1))).toBe(false);
  });
});

import { describe, expect, test } from "bun:test";
import { UsageError } from "../src/command.ts";
import { hexdump } from "../src/inventory/hexdump.ts";
import { parseAddress, parseHexBytes, parseLength } from "../src/inventory/numbers.ts";

describe("hexdump", () => {
  test("16 bytes a line: address, two groups of eight, printable ASCII between bars", () => {
    const bytes = new TextEncoder().encode("memflow-ts reads\x00\x01\x7f~ memory");
    expect(hexdump(bytes, 0x1000n)).toBe(
      "00001000  6d 65 6d 66 6c 6f 77 2d  74 73 20 72 65 61 64 73  |memflow-ts reads|\n" +
        "00001010  00 01 7f 7e 20 6d 65 6d  6f 72 79                 |...~ memory|\n",
    );
  });

  test("a short last line keeps the ASCII column aligned", () => {
    expect(hexdump(Uint8Array.of(0x41), 0n)).toBe("00000000  41                                                |A|\n");
    expect(hexdump(new Uint8Array(9).fill(0xff), 0n)).toBe(
      "00000000  ff ff ff ff ff ff ff ff  ff                       |.........|\n",
    );
  });

  test("addresses past 4 GiB get 16 digits", () => {
    expect(hexdump(Uint8Array.of(1, 2), 0xffff_ffffn)).toBe(
      "00000000ffffffff  01 02                                             |..|\n",
    );
    expect(hexdump(Uint8Array.of(1), 0xffff_ffffn)).toBe(
      "ffffffff  01                                                |.|\n",
    );
  });

  test("nothing to dump is no output", () => {
    expect(hexdump(new Uint8Array(0), 0n)).toBe("");
  });
});

describe("command-line numbers and bytes", () => {
  test("addresses in decimal or 0x hex, up to 2^64-1", () => {
    expect(parseAddress("4096")).toBe(4096n);
    expect(parseAddress("0x1000")).toBe(4096n);
    expect(parseAddress("0xFFFF_FFFF_FFFF_FFFF")).toBe((1n << 64n) - 1n);
    expect(() => parseAddress("0x1_0000_0000_0000_0000")).toThrow(UsageError);
    expect(() => parseAddress("1000h")).toThrow(UsageError);
    expect(() => parseAddress("-1")).toThrow(UsageError);
  });

  test("lengths from 1 to the limit", () => {
    expect(parseLength("0x10", 64)).toBe(16);
    expect(() => parseLength("65", 64)).toThrow("length 65 must be between 1 and 64 bytes");
  });

  test("hex bytes with optional 0x, spaces and colons, over several arguments", () => {
    expect([...parseHexBytes(["0x48656C"])]).toEqual([0x48, 0x65, 0x6c]);
    expect([...parseHexBytes(["48 65", "6c:6c:6f"])]).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(() => parseHexBytes(["486"])).toThrow(UsageError);
    expect(() => parseHexBytes(["zz"])).toThrow(UsageError);
  });
});

import { describe, expect, test } from "bun:test";
import { DYLD_CHAINED_PTR, decodeChainedPointer } from "../src/macho-fixups.ts";
import { errorKind } from "./support/error-kind.ts";

const BASE = 0x1_0000_0000n; // a typical executable's __TEXT address

/** Builds a 64-bit chained entry from its fields (bit positions per dyld's fixup-chains.h). */
const ptr64 = (target: bigint, high8 = 0n, next = 0n, bind = 0n) =>
  target | (high8 << 36n) | (next << 51n) | (bind << 63n);
const arm64e = (fields: { target: bigint; high8?: bigint; next?: bigint; auth?: bigint; bind?: bigint }) =>
  fields.target |
  ((fields.high8 ?? 0n) << 43n) |
  ((fields.next ?? 0n) << 51n) |
  ((fields.bind ?? 0n) << 62n) |
  ((fields.auth ?? 0n) << 63n);

describe("chained fixup pointers", () => {
  test("a stored 0 is a null pointer, whatever the format", () => {
    for (const format of Object.values(DYLD_CHAINED_PTR))
      expect(decodeChainedPointer(format, 0n, BASE, 0, "x", 0)).toBe(0n);
  });

  test("DYLD_CHAINED_PTR_64 holds an address; the chain bits are dropped", () => {
    // memflow's sample: name = 0x2000_0000_0acd10 is target 0xacd10 with next = 4.
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_64, 0x2000_0000_0acd10n, 0n, 0, "x", 0)).toBe(0xacd10n);
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_64, ptr64(0x1_0000_4000n, 0n, 3n), BASE, 0, "x", 0)).toBe(
      0x1_0000_4000n,
    );
  });

  test("DYLD_CHAINED_PTR_64_OFFSET holds an offset from the image base, and high8 is the top byte", () => {
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_64_OFFSET, ptr64(0x4000n, 0n, 1n), BASE, 0, "x", 0)).toBe(
      BASE + 0x4000n,
    );
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_64_OFFSET, ptr64(0x10n, 0x80n), 0n, 0, "x", 0)).toBe(
      (0x80n << 56n) | 0x10n,
    );
  });

  test("arm64e rebases: plain ones hold an address, authenticated ones an offset from the base", () => {
    expect(
      decodeChainedPointer(DYLD_CHAINED_PTR.ARM64E, arm64e({ target: 0x1_0000_8000n, next: 2n }), BASE, 0, "x", 0),
    ).toBe(0x1_0000_8000n);
    const authenticated = arm64e({ target: 0x8000n, auth: 1n, next: 1n }) | (0x1234n << 32n);
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.ARM64E, authenticated, BASE, 0, "x", 0)).toBe(BASE + 0x8000n);
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.ARM64E_USERLAND, arm64e({ target: 0x8000n }), BASE, 0, "x", 0)).toBe(
      BASE + 0x8000n,
    );
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.ARM64E_USERLAND24, arm64e({ target: 0x20n }), BASE, 0, "x", 0)).toBe(
      BASE + 0x20n,
    );
  });

  test("DYLD_CHAINED_PTR_32 holds a 26-bit address", () => {
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_32, 0x3000n | (5n << 26n), 0n, 0, "x", 0)).toBe(0x3000n);
    expect(decodeChainedPointer(DYLD_CHAINED_PTR.PTR_32, 0x3ff_ffffn, 0n, 0, "x", 0)).toBe(0x3ff_ffffn);
  });

  test("binds (pointers into other images) and unknown formats are unsupported", () => {
    expect(errorKind(() => decodeChainedPointer(DYLD_CHAINED_PTR.PTR_64, ptr64(5n, 0n, 0n, 1n), BASE, 0, "x", 0))).toBe(
      "unsupported",
    );
    expect(
      errorKind(() => decodeChainedPointer(DYLD_CHAINED_PTR.ARM64E, arm64e({ target: 5n, bind: 1n }), BASE, 0, "x", 0)),
    ).toBe("unsupported");
    expect(errorKind(() => decodeChainedPointer(DYLD_CHAINED_PTR.PTR_32, 1n << 31n, 0n, 0, "x", 0))).toBe(
      "unsupported",
    );
    expect(errorKind(() => decodeChainedPointer(8, 0x1234n, BASE, 0, "x", 0))).toBe("unsupported");
  });
});

/**
 * memflow's ArchitectureIdent as the domain spells it: its Display (what memflow prints for a
 * process's architecture) and its equality (the kind and the payload the kind uses).
 */
import { expect, test } from "bun:test";
import { type ArchitectureIdent, formatArchitecture, sameArchitectureIdent } from "../src/index.ts";

const x86 = (bits: number, addressExtensions: boolean): ArchitectureIdent => ({ kind: "X86", bits, addressExtensions });

test("formatArchitecture prints what memflow's Display does", () => {
  expect(
    [
      x86(64, false),
      x86(64, true),
      x86(32, false),
      x86(32, true),
      { kind: "AArch64", pageSize: 0x1000n },
      { kind: "Unknown", id: 3n },
    ].map((arch) => formatArchitecture(arch as ArchitectureIdent)),
  ).toEqual(["x86_64", "x86_64 LA57", "x86_32", "x86_32 PAE", "AArch64", "Unknown(3)"]);
});

test("sameArchitectureIdent compares the kind and the payload that kind uses", () => {
  expect(sameArchitectureIdent(x86(64, false), x86(64, false))).toBe(true);
  expect(sameArchitectureIdent(x86(64, false), x86(32, false))).toBe(false);
  expect(sameArchitectureIdent(x86(32, false), x86(32, true))).toBe(false);
  expect(sameArchitectureIdent({ kind: "AArch64", pageSize: 0x1000n }, { kind: "AArch64", pageSize: 0x4000n })).toBe(
    false,
  );
  expect(sameArchitectureIdent({ kind: "Unknown", id: 7n }, { kind: "Unknown", id: 7n })).toBe(true);
  expect(sameArchitectureIdent({ kind: "Unknown", id: 1n }, x86(64, false))).toBe(false);
});

import { describe, expect, test } from "bun:test";
import { decodePartialResult, ErrorKind, ErrorOrigin, MemflowError } from "../src/index.ts";

describe("MemflowError", () => {
  test("keeps memflow's ordinals", () => {
    expect(ErrorOrigin.Pointer).toBe(0);
    expect(ErrorOrigin.Inventory).toBe(12);
    expect(ErrorOrigin.Other).toBe(16);
    expect(ErrorKind.Uninitialized).toBe(0);
    expect(ErrorKind.PluginNotFound).toBe(34);
    expect(ErrorKind.Unknown).toBe(44);
  });

  test("displays as memflow does, with the detail in parentheses in the message", () => {
    const error = new MemflowError("Inventory", "PluginNotFound", "no connector named qemu");
    expect(error.display()).toBe("inventory: plugin not found");
    expect(error.message).toBe("inventory: plugin not found (no connector named qemu)");
    expect(new MemflowError("Other", "Uninitialized").message).toBe("other: unitialized");
    expect(new MemflowError("OsLayer", "Configuration").display()).toBe("oslayer: configuration error");
  });

  // The worked values in memflow-core.md §1.9, computed from error.rs.
  test.each([
    ["Inventory", "PluginNotFound", -2293969],
    ["Inventory", "UnableToLoadLibrary", -1966289],
    ["Inventory", "VersionMismatch", -2162897],
    ["Inventory", "MemflowExportsNotFound", -2097361],
    ["Connector", "InvalidMemorySize", -1835233],
    ["Connector", "InvalidMemorySizeUnit", -1900769],
    ["Connector", "NotSupported", -131297],
    ["Connector", "TargetNotFound", -2359521],
    ["ArgsValidator", "ArgNotExists", -458801],
    ["Other", "InvalidExeFile", -2031889],
  ] as const)("%s/%s encodes as %d and decodes back", (origin, kind, code) => {
    expect(new MemflowError(origin, kind).toInt()).toBe(code);
    const decoded = MemflowError.fromInt(code);
    expect([decoded.origin, decoded.kind]).toEqual([origin, kind]);
  });

  test("every origin and kind round-trips through the integer encoding", () => {
    for (const origin of Object.keys(ErrorOrigin) as (keyof typeof ErrorOrigin)[]) {
      for (const kind of Object.keys(ErrorKind) as (keyof typeof ErrorKind)[]) {
        const decoded = MemflowError.fromInt(new MemflowError(origin, kind).toInt());
        expect(decoded.is(origin, kind)).toBe(true);
      }
    }
  });

  test("codes outside the encoding decode as other/unknown (error.rs tests)", () => {
    for (const code of [-1, -2, -3, -2147483647]) {
      const decoded = MemflowError.fromInt(code);
      expect([decoded.origin, decoded.kind]).toEqual(["Other", "Unknown"]);
    }
  });

  test("partial results decode by the low nibble", () => {
    expect(decodePartialResult(0)).toEqual({ kind: "ok" });
    expect(decodePartialResult(-2)).toEqual({ kind: "partial-read" });
    expect(decodePartialResult(-3)).toEqual({ kind: "partial-write" });
    const hard = decodePartialResult(-2293969);
    expect(hard.kind === "error" && hard.error.is("Inventory", "PluginNotFound")).toBe(true);
    const unknown = decodePartialResult(-4);
    expect(unknown.kind === "error" && unknown.error.is("Ffi", "Unknown")).toBe(true);
  });
});

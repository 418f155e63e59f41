import { describe, expect, test } from "bun:test";
import { AnalyzeError, analyzeFile, bytesReader, type PluginDescriptorInfo, parseDescriptors } from "../src/index.ts";
import { buildPe, type PeExport } from "./support/pe-builder.ts";

const COREDUMP: PeExport = {
  name: "MEMFLOW_CONNECTOR_COREDUMP",
  descriptor: {
    name: { text: "coredump" },
    version: { text: "0.2.0" },
    description: { text: "win32 coredump connector for the memflow physical memory introspection framework" },
  },
};

const errorKind = (bytes: Uint8Array) => {
  try {
    parseDescriptors(bytes);
  } catch (error) {
    if (error instanceof AnalyzeError) return error.kind;
    throw error;
  }
  return "no error";
};

describe("PE", () => {
  test("reads PE32+ and PE32 descriptors", async () => {
    for (const [wide, architecture] of [
      [true, "x86_64"],
      [false, "x86"],
    ] as const) {
      const bytes = buildPe({ wide, exports: [COREDUMP] });
      const expected: PluginDescriptorInfo[] = [
        {
          plugin_kind: "connector",
          export_name: "MEMFLOW_CONNECTOR_COREDUMP",
          file_type: "pe",
          architecture,
          plugin_version: 1,
          name: "coredump",
          version: "0.2.0",
          description: "win32 coredump connector for the memflow physical memory introspection framework",
        },
      ];
      expect(parseDescriptors(bytes)).toEqual(expected);
      expect(await analyzeFile(bytesReader(bytes))).toEqual(expected);
    }
  });

  test("keeps image bases above 2^53 exact", () => {
    const bytes = buildPe({ imageBase: 0x7ff0_0000_0000_0000n, exports: [COREDUMP] });
    expect(parseDescriptors(bytes).map((descriptor) => descriptor.name)).toEqual(["coredump"]);
  });

  test("maps arm (0x1c4) and arm64 (0xaa64) machines", () => {
    expect(parseDescriptors(buildPe({ wide: false, machine: 0x1c4, exports: [COREDUMP] }))[0]?.architecture).toBe(
      "arm",
    );
    expect(parseDescriptors(buildPe({ machine: 0xaa64, exports: [COREDUMP] }))[0]?.architecture).toBe("arm64");
    expect(parseDescriptors(buildPe({ machine: 0x5064, exports: [COREDUMP] }))[0]?.architecture).toEqual({
      unknown: 0x5064,
    });
  });

  test("skips a forwarded export instead of reading its forwarder string as a descriptor", () => {
    const bytes = buildPe({
      exports: [{ name: "MEMFLOW_OS_FORWARDED", forwarder: "other.MEMFLOW_OS_REAL" }, COREDUMP],
    });
    expect(parseDescriptors(bytes).map((descriptor) => descriptor.export_name)).toEqual(["MEMFLOW_CONNECTOR_COREDUMP"]);
  });

  test("a string pointer below the image base is out-of-bounds, a null one with a length not-found", () => {
    const below = { ...COREDUMP.descriptor, name: { text: "coredump", pointer: 0x1000n } };
    expect(errorKind(buildPe({ exports: [{ name: COREDUMP.name, descriptor: below }] }))).toBe("out-of-bounds");
    const nullName = { ...COREDUMP.descriptor, name: { text: "coredump", pointer: 0n } };
    expect(errorKind(buildPe({ exports: [{ name: COREDUMP.name, descriptor: nullName }] }))).toBe("not-found");
  });

  test("a zero-length string is empty whatever its pointer, and the other descriptors stay", () => {
    // Rust stores a dangling pointer (0x1) for an empty slice: below every image base.
    const dangling = { ...COREDUMP.descriptor, description: { text: "", pointer: 1n } };
    const other: PeExport = { ...COREDUMP, name: "MEMFLOW_CONNECTOR_OTHER" };
    for (const wide of [false, true]) {
      const bytes = buildPe({ wide, exports: [{ name: COREDUMP.name, descriptor: dangling }, other] });
      expect(parseDescriptors(bytes).map(({ export_name, description }) => [export_name, description])).toEqual([
        ["MEMFLOW_CONNECTOR_COREDUMP", ""],
        ["MEMFLOW_CONNECTOR_OTHER", "win32 coredump connector for the memflow physical memory introspection framework"],
      ]);
    }
  });

  test("an ordinal past the address table is malformed", () => {
    expect(errorKind(buildPe({ exports: [{ name: "MEMFLOW_OS_BROKEN", badOrdinal: true }] }))).toBe("malformed");
  });
});

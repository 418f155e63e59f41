import { describe, expect, test } from "bun:test";
import {
  AnalyzeError,
  analyzeFile,
  bytesReader,
  type PluginArchitecture,
  type PluginDescriptorInfo,
  parseDescriptors,
} from "../src/index.ts";
import { buildElf, type DescriptorSpec, type ElfSpec } from "./support/elf-builder.ts";

const QEMU: DescriptorSpec = {
  exportName: "MEMFLOW_CONNECTOR_QEMU",
  name: { text: "qemu" },
  version: { text: "0.2.1" },
  description: { text: "qemu connector for the memflow physical memory introspection framework" },
};
const WIN32: DescriptorSpec = {
  exportName: "MEMFLOW_OS_WIN32",
  name: { text: "win32" },
  version: { text: "0.2.0" },
  description: { text: "" },
};

const expectedQemu = (architecture: PluginArchitecture = "x86_64"): PluginDescriptorInfo => ({
  plugin_kind: "connector",
  export_name: "MEMFLOW_CONNECTOR_QEMU",
  file_type: "elf",
  architecture,
  plugin_version: 1,
  name: "qemu",
  version: "0.2.1",
  description: "qemu connector for the memflow physical memory introspection framework",
});

/** Parses from memory and through a reader, and checks that both agree. */
async function analyze(spec: ElfSpec) {
  const bytes = buildElf(spec);
  const fromMemory = parseDescriptors(bytes);
  expect(await analyzeFile(bytesReader(bytes))).toEqual(fromMemory);
  return fromMemory;
}

function errorOf(run: () => unknown): AnalyzeError {
  try {
    run();
  } catch (error) {
    if (error instanceof AnalyzeError) return error;
    throw error;
  }
  throw new Error("expected an AnalyzeError");
}

describe("ELF", () => {
  test.each(["in-place", "rela", "rel", "relr"] as const)(
    "reads descriptors whose pointers are stored %s",
    async (storage) => {
      expect(await analyze({ storage, descriptors: [QEMU] })).toEqual([expectedQemu()]);
    },
  );

  test("maps string addresses through PT_LOAD when p_vaddr differs from p_offset", async () => {
    // memflow uses string addresses as file offsets and would read the wrong bytes here.
    expect(await analyze({ vaddrDelta: 0x200000n, storage: "rela", descriptors: [QEMU] })).toEqual([expectedQemu()]);
  });

  test("reads 32-bit files with REL implicit addends", async () => {
    expect(await analyze({ wide: false, machine: 3, storage: "rel", descriptors: [QEMU] })).toEqual([
      expectedQemu("x86"),
    ]);
  });

  test("reads big-endian files, which memflow refuses", async () => {
    const result = await analyze({ little: false, machine: 21, storage: "rela", descriptors: [QEMU] });
    expect(result).toEqual([expectedQemu({ unknown: 21 })]);
    const result32 = await analyze({
      wide: false,
      little: false,
      machine: 20,
      storage: "in-place",
      descriptors: [QEMU],
    });
    expect(result32).toEqual([expectedQemu({ unknown: 20 })]);
  });

  test("counts symbols through a GNU hash table", async () => {
    const result = await analyze({ hash: "gnu", descriptors: [QEMU, WIN32] });
    expect(result.map((descriptor) => descriptor.export_name)).toEqual(["MEMFLOW_CONNECTOR_QEMU", "MEMFLOW_OS_WIN32"]);
  });

  test("falls back to section headers when there is no dynamic segment", async () => {
    const result = await analyze({ dynamicSegment: false, sectionHeaders: true, storage: "rela", descriptors: [QEMU] });
    expect(result).toEqual([expectedQemu()]);
  });

  test("treats SHN_XINDEX as a defined symbol and skips undefined and absolute ones", async () => {
    const result = await analyze({
      descriptors: [
        { ...QEMU, shndx: 0xffff },
        { ...WIN32, shndx: 0 },
        { ...WIN32, exportName: "MEMFLOW_OS_ABSOLUTE", shndx: 0xfff1 },
      ],
    });
    expect(result).toEqual([expectedQemu()]);
  });

  test("reports the plugin version as stored, and an empty description for a null pointer", async () => {
    const [descriptor] = await analyze({
      descriptors: [{ ...WIN32, pluginVersion: 2, description: { pointer: 0n, length: 1n } }],
    });
    expect(descriptor).toMatchObject({ plugin_kind: "os", plugin_version: 2, name: "win32", description: "" });
  });

  test.each([
    ["64-bit", "rela", true],
    ["32-bit", "rel", false],
  ] as const)("a zero-length string is empty whatever its pointer (%s, %s)", async (_, storage, wide) => {
    // Rust stores a dangling pointer (0x1) for an empty slice; with the image at 0x200000 no
    // segment maps it, nor the far one.
    const dangling = { text: "", pointer: 1n };
    const far = { text: "", pointer: 0x7fff_0000n };
    const [descriptor] = await analyze({
      wide,
      machine: wide ? 62 : 3,
      vaddrDelta: 0x200000n,
      storage,
      descriptors: [{ ...QEMU, name: dangling, version: far, description: dangling }],
    });
    expect(descriptor).toMatchObject({ export_name: "MEMFLOW_CONNECTOR_QEMU", name: "", version: "", description: "" });
  });

  test("reads unicode strings and ignores exports without the memflow prefix", async () => {
    const result = await analyze({
      descriptors: [
        { ...QEMU, description: { text: "dümmy – ünïcode ✓" } },
        { ...WIN32, exportName: "memflow_os_lowercase" },
      ],
    });
    expect(result.map((descriptor) => descriptor.description)).toEqual(["dümmy – ünïcode ✓"]);
  });

  test("a library without descriptors gives an empty list", async () => {
    expect(await analyze({ descriptors: [] })).toEqual([]);
    expect(await analyze({ descriptors: [{ ...QEMU, exportName: "some_other_symbol" }] })).toEqual([]);
  });

  test("a null pointer with a length is not-found", () => {
    const bytes = buildElf({ descriptors: [{ ...QEMU, name: { pointer: 0n, length: 4n } }] });
    const error = errorOf(() => parseDescriptors(bytes));
    expect(error.kind).toBe("not-found");
    expect(error.message).toContain("MEMFLOW_CONNECTOR_QEMU.name");
  });

  test("a string that is not UTF-8 is an encoding error", () => {
    const bytes = buildElf({ descriptors: [{ ...QEMU, version: { text: new Uint8Array([0x30, 0xff, 0xfe]) } }] });
    expect(errorOf(() => parseDescriptors(bytes)).kind).toBe("encoding");
  });

  test("a string pointing outside the file is out-of-bounds", () => {
    const far = buildElf({ descriptors: [{ ...QEMU, name: { text: "qemu", pointer: 0x7fff_0000n } }] });
    expect(errorOf(() => parseDescriptors(far)).kind).toBe("out-of-bounds");
    const long = buildElf({ descriptors: [{ ...QEMU, description: { text: "x", length: 1n << 40n } }] });
    expect(errorOf(() => parseDescriptors(long)).kind).toBe("out-of-bounds");
  });

  test("a file cut short is truncated, with the offset where it ends", () => {
    const bytes = buildElf({ descriptors: [QEMU] });
    const error = errorOf(() => parseDescriptors(bytes.subarray(0, 40)));
    expect(error.kind).toBe("truncated");
    expect(error.offset).toBeLessThanOrEqual(40);
  });

  test("RELA entries too small for their kind fail a file with descriptors, not one without", async () => {
    // DT_RELAENT (tag 9) of 8 bytes written over the first DT_NULL of a 64-bit little-endian file's
    // dynamic segment (the builder leaves spare entries and states no entry size).
    const withSmallEntries = (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const programHeaders = Number(view.getBigUint64(32, true));
      for (let index = 0; index < view.getUint16(56, true); index += 1) {
        const header = programHeaders + index * 56;
        if (view.getUint32(header, true) !== 2) continue; // PT_DYNAMIC
        let at = Number(view.getBigUint64(header + 8, true));
        while (view.getBigUint64(at, true) !== 0n) at += 16;
        view.setBigUint64(at, 9n, true);
        view.setBigUint64(at + 8, 8n, true);
      }
      return bytes;
    };
    const broken = withSmallEntries(buildElf({ storage: "rela", descriptors: [QEMU] }));
    expect(errorOf(() => parseDescriptors(broken)).kind).toBe("malformed");
    const none = withSmallEntries(buildElf({ storage: "rela", descriptors: [{ ...QEMU, exportName: "other" }] }));
    expect(parseDescriptors(none)).toEqual([]);
    expect(await analyzeFile(bytesReader(none))).toEqual([]);
  });
});

/**
 * The one input nobody on this project built: memflow's own test binary, a Mach-O arm64 dylib
 * with chained fixups. It lives in ../shared and is never copied into the repository.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { MEMFLOW_DYLIB, requireMemflowDylib } from "../../../tooling/testing/shared-fixtures.ts";
import { analyzeFile, bytesReader, isBinary, type PluginDescriptorInfo, parseDescriptors } from "../src/index.ts";

const path = MEMFLOW_DYLIB;
const present = requireMemflowDylib("the analyzer's tests on memflow's own test binary");

// memflow 0.2.4, plugin_analyzer.rs, test_mach_arm64.
const EXPECTED: PluginDescriptorInfo[] = [
  {
    plugin_kind: "os",
    export_name: "MEMFLOW_OS_NATIVE",
    file_type: "mach",
    architecture: "arm64",
    plugin_version: 1,
    name: "native",
    version: "0.2.2",
    description: "System call based proxy-OS for memflow",
  },
];

describe.skipIf(!present)("memflow's libmemflow_native.aarch64.dylib", () => {
  const bytes = present ? new Uint8Array(readFileSync(path)) : new Uint8Array(0);

  test("is a binary to memflow's magic check", () => {
    expect(isBinary(bytes)).toBe(true);
  });

  test("gives exactly memflow's expected descriptor from memory", () => {
    expect(parseDescriptors(bytes)).toEqual(EXPECTED);
  });

  test("gives the same descriptor through a reader, reading a small fraction of the file", async () => {
    let bytesRead = 0;
    const reader = bytesReader(bytes);
    const counting = {
      size: reader.size,
      read(offset: number, length: number) {
        bytesRead += length;
        return reader.read(offset, length);
      },
    };
    expect(await analyzeFile(counting)).toEqual(EXPECTED);
    expect(bytesRead).toBeLessThan(bytes.length / 20);
  });
});

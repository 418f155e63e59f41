/**
 * Every committed fixture (built by tooling/fixtures/build.sh) against expected.json, whose
 * values come from what the build defined, never from running the analyzer.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AnalyzeError,
  analyzeFile,
  bytesReader,
  isBinary,
  type PluginDescriptorInfo,
  parseDescriptors,
} from "../src/index.ts";
import { FIXTURES_DIR, fixtureFiles } from "./support/corpus.ts";

type Expectation = PluginDescriptorInfo[] | { error: string };

const expected = JSON.parse(readFileSync(join(FIXTURES_DIR, "expected.json"), "utf8")) as Record<string, Expectation>;
const files = fixtureFiles();

const byExportName = (descriptors: PluginDescriptorInfo[]) =>
  [...descriptors].sort((a, b) => a.export_name.localeCompare(b.export_name) || a.name.localeCompare(b.name));

async function outcomes(bytes: Uint8Array): Promise<[unknown, unknown]> {
  const settle = async (run: () => PluginDescriptorInfo[] | Promise<PluginDescriptorInfo[]>) => {
    try {
      return byExportName(await run());
    } catch (error) {
      if (error instanceof AnalyzeError) return { error: error.kind };
      throw error;
    }
  };
  return [await settle(() => parseDescriptors(bytes)), await settle(() => analyzeFile(bytesReader(bytes)))];
}

describe("committed fixtures", () => {
  test("every fixture file has an expectation and every expectation a file", () => {
    expect(files.map((file) => file.name).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(files.map((file) => [file.name, file.bytes] as const))("%s", async (name, bytes) => {
    const expectation = expected[name];
    const want = expectation === undefined || "error" in expectation ? expectation : byExportName(expectation);
    const [fromMemory, fromReader] = await outcomes(bytes);
    expect(fromMemory).toEqual(want);
    expect(fromReader).toEqual(fromMemory);
  });

  test("isBinary accepts every fixture that parses", () => {
    for (const file of files) {
      const expectation = expected[file.name];
      if (Array.isArray(expectation))
        expect({ file: file.name, binary: isBinary(file.bytes) }).toEqual({ file: file.name, binary: true });
    }
  });
});

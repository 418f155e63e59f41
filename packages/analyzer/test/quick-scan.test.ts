/**
 * The quick scans behind `analyzeFileSync` (src/quick-scan.ts): they answer for common plugin
 * files exactly as the full parser does, and give every other file to the full parser, whose
 * answer or error `analyzeFileSync` then reports. The fuzz test holds the answers equal on
 * mutated files, and elf-relocation-search.test.ts on gcc and lld builds.
 */
import { describe, expect, test } from "bun:test";
import { analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { parseAny } from "../src/parse.ts";
import { quickScan } from "../src/quick-scan.ts";
import { readFirst, runBlocking } from "../src/read-on-demand.ts";
import { builtFiles, type CorpusFile, fixtureFiles, memflowDylib } from "./support/corpus.ts";
import { exactOutcome } from "./support/error-kind.ts";
import { loggingReader } from "./support/logging-reader.ts";

/**
 * The files a quick scan gives to the full parser: damaged ones, big-endian ELF, universal
 * Mach-O, and symbols found through section headers. Every other file must be answered, or a
 * quick scan has silently stopped serving common plugins.
 */
const GIVEN_UP = new Set([
  "broken/elf-bad-utf8.so",
  "broken/elf-name-null.so",
  "broken/elf-name-out-of-bounds.so",
  "broken/empty.so",
  "broken/pe-name-null.dll",
  "broken/plugin.so",
  "broken/random-garbage.so",
  "broken/truncated-elf.so",
  "broken/truncated-fat.dylib",
  "broken/truncated-macho.dylib",
  "broken/truncated-pe.dll",
  "elf/aarch64_be-clang-lld.so",
  "elf/mips-be-clang-lld.so",
  "elf/ppc64-be-clang-lld.so",
  "macho/universal-dangling-empty",
  "macho/universal-i386-x86_64.dylib",
  "macho/universal-x86_64-arm64.dylib",
  "built/elf64-be",
  "built/elf64-sections",
]);

const files: CorpusFile[] = [...fixtureFiles(), ...builtFiles(), ...memflowDylib()];

function scanned(bytes: Uint8Array) {
  const reader = {
    size: bytes.length,
    read: (offset: number, length: number) => bytes.subarray(offset, offset + length),
  };
  return bytes.length > 0 ? quickScan(reader, readFirst(reader)) : undefined;
}

describe("quick scans", () => {
  test("the list of files given up names only files that exist", () => {
    const names = new Set(files.map((file) => file.name));
    for (const name of GIVEN_UP) expect(names).toContain(name);
  });

  test.each(files.map((file) => [file.name, file] as const))(
    "%s: answered as the full parser answers, or given to it",
    (name, file) => {
      const quick = scanned(file.bytes);
      if (GIVEN_UP.has(name)) expect(quick).toBeUndefined();
      else expect(quick).toEqual(parseDescriptors(file.bytes));
      // Whichever path serves it, analyzeFileSync gives the full parser's answer or error, exactly.
      const { reader, outside } = loggingReader(file.bytes, (range) => range);
      expect(exactOutcome(() => analyzeFileSync(reader))).toBe(exactOutcome(() => parseDescriptors(file.bytes)));
      expect(outside).toEqual([]);
    },
  );

  test("a file given up at its header is read by the full parser from the quick scan's first read", () => {
    const file = files.find((candidate) => candidate.name === "elf/ppc64-be-clang-lld.so");
    if (file === undefined) throw new Error("the big-endian ELF fixture is missing");
    const viaSync = loggingReader(file.bytes, (range) => range);
    const viaDriver = loggingReader(file.bytes, (range) => range);
    analyzeFileSync(viaSync.reader);
    runBlocking(parseAny, viaDriver.reader);
    expect(viaSync.reads).toEqual(viaDriver.reads);
  });

  test("a damaged name is given up after the headers, and the full parser reports it", () => {
    const file = files.find((candidate) => candidate.name === "broken/elf-bad-utf8.so");
    if (file === undefined) throw new Error("the bad UTF-8 fixture is missing");
    expect(scanned(file.bytes)).toBeUndefined();
    const { reader } = loggingReader(file.bytes, (range) => range);
    expect(exactOutcome(() => analyzeFileSync(reader))).toStartWith("encoding at ");
  });

  test("a reader that analyses another file while a quick scan reads from it gets both answers right", () => {
    const outer = files.find((file) => file.name === "macho/arm64-chained.dylib");
    const inner = files.find((file) => file.name === "elf/x86_64-gcc.so");
    if (outer === undefined || inner === undefined) throw new Error("a fixture is missing");
    const innerAnswers: unknown[] = [];
    let reads = 0;
    const reader = {
      size: outer.bytes.length,
      read: (offset: number, length: number) => {
        reads += 1;
        // Past the first read, the outer file's quick scan is under way.
        if (offset > 0) innerAnswers.push(analyzeFileSync(loggingReader(inner.bytes, (range) => range).reader));
        return outer.bytes.subarray(offset, offset + length);
      },
    };
    expect(analyzeFileSync(reader)).toEqual(parseDescriptors(outer.bytes));
    // The outer scan was not given up (the full parser would have read the file again).
    const alone = loggingReader(outer.bytes, (range) => range);
    analyzeFileSync(alone.reader);
    expect(reads).toBe(alone.reads.length);
    expect(innerAnswers.length).toBeGreaterThan(0);
    for (const answer of innerAnswers) expect(answer).toEqual(parseDescriptors(inner.bytes));
  });

  test("one file's state does not leak into the next", () => {
    const order = ["elf/x86_64-gcc.so", "broken/elf-bad-utf8.so", "pe/mingw-i686.dll", "macho/arm64-chained.dylib"];
    const chosen = order.map((name) => files.find((file) => file.name === name));
    const expected = chosen.map((file) =>
      file === undefined ? undefined : exactOutcome(() => parseDescriptors(file.bytes)),
    );
    // Each file after each other one, both ways round.
    for (const first of chosen) {
      for (const [index, second] of chosen.entries()) {
        if (first === undefined || second === undefined) throw new Error("a fixture is missing");
        scanned(first.bytes);
        const { reader } = loggingReader(second.bytes, (range) => range);
        expect(exactOutcome(() => analyzeFileSync(reader))).toBe(expected[index] as string);
      }
    }
  });
});

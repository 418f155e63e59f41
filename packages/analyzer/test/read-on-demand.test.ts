/**
 * The driver for synchronous readers (`analyzeFileSync`): it reads a range when the parser needs
 * it, so the parser runs once. It must read what the re-running driver reads (drive.test.ts
 * compares the two), stop at bad input with the errors parsing the bytes in memory gives, and
 * never ask the reader for bytes outside the file.
 */
import { describe, expect, test } from "bun:test";
import { MAX_ROUNDS } from "../src/fetched-ranges.ts";
import type { FileWindow } from "../src/file-window.ts";
import { AnalyzeError, analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { parseAny } from "../src/parse.ts";
import { runBlocking } from "../src/read-on-demand.ts";
import { builtFiles, fixtureFiles } from "./support/corpus.ts";
import { exactOutcome } from "./support/error-kind.ts";
import { loggingReader } from "./support/logging-reader.ts";

const files = [...fixtureFiles(), ...builtFiles()];

describe("reading on demand", () => {
  test("the committed and built binaries: one run of the parser, each range read once, all inside the file", () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const { reader, reads, outside } = loggingReader(file.bytes, (range) => range);
      let runs = 0;
      const counted = (window: FileWindow) => {
        runs += 1;
        return parseAny(window);
      };
      expect(exactOutcome(() => runBlocking(counted, reader))).toBe(exactOutcome(() => parseDescriptors(file.bytes)));
      expect({ file: file.name, runs, outside }).toEqual({ file: file.name, runs: 1, outside: [] });
      expect(new Set(reads).size).toBe(reads.length);
    }
  });

  test("files cut short stop with the error parsing them in memory gives, reading nothing past their end", () => {
    let failures = 0;
    for (const file of files) {
      const size = file.bytes.length;
      for (const cut of [
        1,
        3,
        4,
        64,
        Math.floor(size / 4),
        Math.floor(size / 2),
        Math.floor((size * 3) / 4),
        size - 1,
      ]) {
        if (cut <= 0 || cut >= size) continue;
        const bytes = file.bytes.subarray(0, cut);
        const expected = exactOutcome(() => parseDescriptors(bytes));
        if (!expected.startsWith("[")) failures += 1;
        const { reader, outside } = loggingReader(bytes, (range) => range);
        expect({ file: file.name, cut, outcome: exactOutcome(() => analyzeFileSync(reader)), outside }).toEqual({
          file: file.name,
          cut,
          outcome: expected,
          outside: [],
        });
      }
    }
    // Most cuts must fail, or this checks little.
    expect(failures).toBeGreaterThan(files.length * 4);
  });

  const file = new Uint8Array(100_000).map((_, index) => index & 0xff);

  test("a read near the end is rounded up to the end, not past it; a range past the end is not read", () => {
    const { reader, reads, outside } = loggingReader(file, (range) => range);
    const parse = (window: FileWindow) => {
      // Outside the file: left for `read` to report, never asked of the reader.
      window.prefetch([
        [99_992, 8],
        [99_996, 8],
      ]);
      const last = window.read(99_992, 8, true, "truncated", "the last bytes").u8(7);
      expect(() => window.read(99_996, 8, true, "truncated", "bytes past the end")).toThrow(
        "the file ends before bytes past the end",
      );
      return last;
    };
    expect(runBlocking(parse, reader)).toBe(99_999 & 0xff);
    expect(reads).toEqual(["0+16384", "99992+8"]);
    expect(outside).toEqual([]);
  });

  test("a file smaller than the first read is read whole once; an empty file is not read at all", () => {
    const small = loggingReader(file.subarray(0, 3000), (range) => range);
    expect(runBlocking((window) => window.read(2990, 10, true, "truncated", "a range").u8(9), small.reader)).toBe(
      2999 & 0xff,
    );
    expect(small.reads).toEqual(["0+3000"]);
    const empty = loggingReader(new Uint8Array(0), (range) => range);
    expect(() => analyzeFileSync(empty.reader)).toThrow("a file of 0 bytes is not a plugin binary");
    expect(empty.reads).toEqual([]);
  });

  test("a reader that throws fails the read as truncated, its error the cause; a short read is refused", () => {
    const failure = new Error("the disk went away");
    let calls = 0;
    const failing = {
      size: file.length,
      read: (offset: number, length: number) => {
        calls += 1;
        if (calls > 1) throw failure;
        return file.subarray(offset, offset + length);
      },
    };
    const parse = (window: FileWindow) => window.read(50_000, 8, true, "truncated", "a range").u8(0);
    const error = (() => {
      try {
        return runBlocking(parse, failing);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AnalyzeError);
    expect((error as AnalyzeError).kind).toBe("truncated");
    expect((error as AnalyzeError).message).toBe("reading 4096 bytes failed (at file offset 0xc350)");
    expect((error as AnalyzeError).cause).toBe(failure);

    const short = {
      size: file.length,
      read: (offset: number, length: number) => file.subarray(offset, offset + length - 1),
    };
    expect(() => analyzeFileSync(short)).toThrow("the reader returned fewer than the 16384 bytes asked for");
  });

  test(`a parser that keeps asking stops after ${MAX_ROUNDS} rounds of reads, as under the re-running driver`, () => {
    // Zeros from a reader that holds nothing: far apart, so every range is a round of its own.
    const stride = 16 * 1024;
    const size = (MAX_ROUNDS + 10) * stride;
    let reads = 0;
    const reader = {
      size,
      read: (_offset: number, length: number) => {
        reads += 1;
        return new Uint8Array(length);
      },
    };
    const endless = (window: FileWindow) => {
      for (let at = stride; at < size; at += stride) window.read(at, 8, true, "truncated", "a range");
      return "finished";
    };
    expect(() => runBlocking(endless, reader)).toThrow(`the file needed more than ${MAX_ROUNDS} separate reads`);
    // The first read, then the rounds the parser asked for.
    expect(reads).toBe(1 + MAX_ROUNDS);
  });
});

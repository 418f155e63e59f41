import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeFile, analyzeFileSync, openFileReader } from "../src/fs.ts";
import { AnalyzeError, parseDescriptors } from "../src/index.ts";
import { FIXTURES_DIR } from "./support/corpus.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-analyzer-fs-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const fixture = join(FIXTURES_DIR, "elf", "x86_64-clang-lld.so");

describe("@memflow-ts/analyzer/fs", () => {
  test("analyzeFile(path) and analyzeFileSync(path) agree with parsing the whole file", async () => {
    const whole = parseDescriptors(new Uint8Array(await Bun.file(fixture).arrayBuffer()));
    expect(whole.length).toBeGreaterThan(0);
    expect(await analyzeFile(fixture)).toEqual(whole);
    expect(analyzeFileSync(fixture)).toEqual(whole);
  });

  test("a plugin padded to 8 MiB is analysed from a few small reads", async () => {
    const original = new Uint8Array(await Bun.file(fixture).arrayBuffer());
    const padded = new Uint8Array(8 * 1024 * 1024);
    padded.set(original);
    const path = join(sandbox, "padded.so");
    writeFileSync(path, padded);
    const reader = openFileReader(path);
    try {
      expect(await analyzeFile(reader)).toEqual(parseDescriptors(original));
      expect(reader.size).toBe(padded.length);
      expect(reader.reads).toBeLessThanOrEqual(4);
      expect(reader.bytesRead).toBeLessThan(padded.length / 100);
    } finally {
      reader.close();
    }
  });

  test("a text file named .so is bad-magic, an empty one too", async () => {
    const text = join(sandbox, "notes.so");
    writeFileSync(text, "not a plugin at all\n");
    const empty = join(sandbox, "empty.so");
    writeFileSync(empty, "");
    for (const path of [text, empty]) {
      const error = await analyzeFile(path).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AnalyzeError);
      expect((error as AnalyzeError).kind).toBe("bad-magic");
    }
  });

  test("a missing file is the operating system's error, not an AnalyzeError", async () => {
    const error = await analyzeFile(join(sandbox, "missing.so")).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(AnalyzeError);
    expect((error as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  test("readers open at once never share bytes; a closed reader's buffer serves the next one", async () => {
    const original = new Uint8Array(await Bun.file(fixture).arrayBuffer());
    const other = join(sandbox, "other.bin");
    writeFileSync(other, new Uint8Array(200 * 1024).fill(0xa5));
    const first = openFileReader(fixture);
    const second = openFileReader(other);
    try {
      const head = first.read(0, 64);
      // Were the two sharing a buffer, this would land on `head`.
      expect(second.read(0, 4096).every((byte) => byte === 0xa5)).toBe(true);
      // Larger than a reader's arena, so `second` allocates past it.
      expect(second.read(0, 100 * 1024).every((byte) => byte === 0xa5)).toBe(true);
      expect(second.read(100 * 1024, 16).every((byte) => byte === 0xa5)).toBe(true);
      expect(head).toEqual(original.subarray(0, 64));
    } finally {
      second.close();
      first.close();
    }
    // Whichever buffer was handed on, later readers see their own file's bytes.
    for (let round = 0; round < 3; round += 1) {
      expect(analyzeFileSync(fixture)).toEqual(parseDescriptors(original));
      const reader = openFileReader(other);
      try {
        expect(reader.read(0, 4096).every((byte) => byte === 0xa5)).toBe(true);
      } finally {
        reader.close();
      }
    }
  });

  test("a reader refuses reads after close()", () => {
    const reader = openFileReader(fixture);
    reader.close();
    expect(() => reader.read(0, 4)).toThrow(/after close/);
    reader.close();
  });
});

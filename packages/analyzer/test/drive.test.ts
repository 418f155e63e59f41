/**
 * The driver behind analyzeFile and analyzeFileSync: one loop serves readers that return bytes and
 * readers that return promises, so both must ask for the same ranges and get the same answer.
 */
import { describe, expect, test } from "bun:test";
import { runAsync } from "../src/drive.ts";
import type { FileWindow } from "../src/file-window.ts";
import { AnalyzeError, analyzeFile, analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { parseAny } from "../src/parse.ts";
import { runBlocking } from "../src/read-on-demand.ts";
import { builtFiles, fixtureFiles } from "./support/corpus.ts";
import { loggingReader } from "./support/logging-reader.ts";

const plugins = [...fixtureFiles(), ...builtFiles()].filter((file) => {
  try {
    return parseDescriptors(file.bytes).length > 0;
  } catch {
    return false;
  }
});

describe("the read driver", () => {
  test.each(plugins.map((file) => [file.name, file.bytes] as const))(
    "%s: promised reads give the same descriptors from the same reads as synchronous ones",
    async (_name, bytes) => {
      const sync = loggingReader(bytes, (range) => range);
      const promised = loggingReader(bytes, async (range) => range);
      const thenable = loggingReader(bytes, (range) => ({
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, as `await` accepts
        then: (resolve: (value: Uint8Array) => void) => resolve(range),
      }));
      // The synchronous driver itself: analyzeFileSync tries a quick scan first (quick-scan.test.ts).
      const expected = runBlocking(parseAny, sync.reader);
      expect(expected).toEqual(parseDescriptors(bytes));
      expect(analyzeFileSync(loggingReader(bytes, (range) => range).reader)).toEqual(expected);
      expect(await analyzeFile(promised.reader)).toEqual(expected);
      expect(await analyzeFile(thenable.reader as never)).toEqual(expected);
      expect(promised.reads).toEqual(sync.reads);
      expect(thenable.reads).toEqual(sync.reads);
    },
  );

  test("a read that rejects is a truncated AnalyzeError caused by the reader's error", async () => {
    const bytes = plugins[0]?.bytes ?? new Uint8Array(0);
    const failure = new Error("the disk went away");
    const reader = { size: bytes.length, read: async () => Promise.reject(failure) };
    const error = await analyzeFile(reader).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AnalyzeError);
    expect((error as AnalyzeError).kind).toBe("truncated");
    expect((error as AnalyzeError).cause).toBe(failure);
  });

  test("a synchronous reader that returns a promise is refused, not awaited", () => {
    const bytes = plugins[0]?.bytes ?? new Uint8Array(0);
    const reader = {
      size: bytes.length,
      read: async (offset: number, length: number) => bytes.slice(offset, offset + length),
    };
    expect(() => analyzeFileSync(reader as never)).toThrow(AnalyzeError);
  });

  /** Asks for four ranges in one round, three of them within a few KiB of each other, and reads them. */
  const scattered = (window: FileWindow) => {
    const ranges = [
      [90_000, 8],
      [50_100, 8],
      [50_000, 8],
      [52_000, 8],
    ] as const;
    window.prefetch(ranges);
    return ranges.map(([offset, length]) => window.read(offset, length, true, "truncated", "a range").u8(0));
  };
  const file = new Uint8Array(100_000).map((_, index) => index & 0xff);

  test("ranges a round asks for within a few KiB of each other cost one read", () => {
    const { reader, reads } = loggingReader(file, (range) => range);
    expect(runBlocking(scattered, reader)).toEqual([90_000 & 0xff, 50_100 & 0xff, 50_000 & 0xff, 52_000 & 0xff]);
    expect(reads).toEqual(["0+16384", "50000+4096", "90000+4096"]);
  });

  test("an asynchronous reader gets all of a round's reads before the first resolves", async () => {
    let pending = 0;
    let mostPending = 0;
    const { reader, reads } = loggingReader(file, async (range) => {
      pending += 1;
      mostPending = Math.max(mostPending, pending);
      await Bun.sleep(1);
      pending -= 1;
      return range;
    });
    expect(await runAsync(scattered, reader)).toHaveLength(4);
    expect(reads).toEqual(["0+16384", "50000+4096", "90000+4096"]);
    expect(mostPending).toBe(2);
  });

  /**
   * Names a range for later, then needs another one now, then reads both: the later range comes
   * with the round the other one asks for. Counts its own runs.
   */
  const deferring = (runs: { count: number }) => (window: FileWindow) => {
    runs.count += 1;
    window.prefetchLater([[70_000, 8]]);
    const now = window.read(30_000, 8, true, "truncated", "a range").u8(0);
    return [now, window.read(70_000, 8, true, "truncated", "a range").u8(0)];
  };

  test("a range named for later comes with the next round, not in a round of its own", async () => {
    const runs = { count: 0 };
    const { reader, reads } = loggingReader(file, (range) => range);
    expect(runBlocking(deferring(runs), reader)).toEqual([30_000 & 0xff, 70_000 & 0xff]);
    expect(reads).toEqual(["0+16384", "30000+4096", "70000+4096"]);
    // A synchronous reader's ranges are read where they are needed: the parser runs once.
    expect(runs.count).toBe(1);
    const promised = loggingReader(file, async (range) => range);
    expect(await runAsync(deferring(runs), promised.reader)).toEqual([30_000 & 0xff, 70_000 & 0xff]);
    expect(promised.reads).toEqual(reads);
    // A promised read cannot be waited for inside the parser: it runs again once the bytes are in.
    expect(runs.count).toBe(3);
  });

  test("a range named for later is not fetched when no round follows", () => {
    const { reader, reads } = loggingReader(file, (range) => range);
    const parse = (window: FileWindow) => {
      window.prefetchLater([[70_000, 8]]);
      return window.read(100, 8, true, "truncated", "a range").u8(0);
    };
    expect(runBlocking(parse, reader)).toBe(100);
    expect(reads).toEqual(["0+16384"]);
  });
});

/**
 * The driver behind analyzeFile and analyzeFileSync: one loop serves readers that return bytes and
 * readers that return promises, so both must ask for the same ranges and get the same answer.
 */
import { describe, expect, test } from "bun:test";
import { AnalyzeError, analyzeFile, analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { builtFiles, fixtureFiles } from "./support/corpus.ts";

const plugins = [...fixtureFiles(), ...builtFiles()].filter((file) => {
  try {
    return parseDescriptors(file.bytes).length > 0;
  } catch {
    return false;
  }
});

/** A reader over `bytes` that logs each range it is asked for and hands the bytes to `deliver`. */
function loggingReader<R>(bytes: Uint8Array, deliver: (bytes: Uint8Array) => R) {
  const reads: string[] = [];
  const reader = {
    size: bytes.length,
    read(offset: number, length: number): R {
      reads.push(`${offset}+${length}`);
      return deliver(bytes.subarray(offset, offset + length));
    },
  };
  return { reader, reads };
}

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
      const expected = analyzeFileSync(sync.reader);
      expect(expected).toEqual(parseDescriptors(bytes));
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
});

/**
 * The analyzer's one promise on hostile input: it returns, or throws an AnalyzeError that does
 * not wrap a bug (TypeError, RangeError), and it does so promptly. Inputs are the corpus mutated
 * with a fixed seed; set MEMFLOW_TS_FUZZ_ITERATIONS for a longer run and MEMFLOW_TS_FUZZ_SEED
 * to explore other inputs.
 */
import { expect, test } from "bun:test";
import {
  AnalyzeError,
  analyzeByteOrder,
  analyzeFile,
  analyzeFileSync,
  bytesReader,
  fileByteOrder,
  parseDescriptors,
} from "../src/index.ts";
import { parseAny } from "../src/parse.ts";
import { quickScan } from "../src/quick-scan.ts";
import { readFirst, runBlocking } from "../src/read-on-demand.ts";
import { builtFiles, type CorpusFile, fixtureFiles, memflowDylib } from "./support/corpus.ts";
import { exactOutcome } from "./support/error-kind.ts";
import { loggingReader } from "./support/logging-reader.ts";
import { Random } from "./support/random.ts";

const ITERATIONS = Number(process.env.MEMFLOW_TS_FUZZ_ITERATIONS ?? 20_000);
const SEED = Number(process.env.MEMFLOW_TS_FUZZ_SEED ?? 0x6d656d66);
/** A hang guard, not a performance check: healthy inputs take microseconds. */
const PER_INPUT_LIMIT_MS = 1_000;
/** Every this many inputs, also run the reader paths and compare them with the in-memory one. */
const READER_EVERY = 16;

const INTERESTING = [
  0n,
  1n,
  2n,
  7n,
  0x7fn,
  0x80n,
  0xffn,
  0x100n,
  0x7fffn,
  0xffffn,
  0x7fffffffn,
  0xffffffffn,
  0xffffffffffffffffn,
];

function mutate(random: Random, seeds: readonly CorpusFile[]): Uint8Array {
  const seed = random.pick(seeds).bytes;
  const out = seed.slice();
  switch (random.below(6)) {
    case 0: // bit flips
      for (let flips = 1 + random.below(8); flips > 0 && out.length > 0; flips -= 1) {
        const at = random.below(out.length);
        out[at] = (out[at] ?? 0) ^ (1 << random.below(8));
      }
      return out;
    case 1: // truncation
      return out.subarray(0, random.below(out.length + 1));
    case 2: {
      // splice a chunk of another seed over this one
      const other = random.pick(seeds).bytes;
      const length = random.below(Math.min(256, other.length) + 1);
      const from = random.below(Math.max(other.length - length, 0) + 1);
      const to = random.below(Math.max(out.length - length, 0) + 1);
      out.set(other.subarray(from, from + length).subarray(0, Math.max(0, out.length - to)), to);
      return out;
    }
    case 3:
    case 4: {
      // overwrite a count, offset or address, mostly in the headers
      const width = random.pick([2, 4, 8]);
      if (out.length < width) return out;
      const region = random.below(2) === 0 ? Math.min(out.length, 4096) : out.length;
      const at = random.below(region - width + 1) & ~(width - 1);
      const value = random.below(4) === 0 ? BigInt(random.below(out.length + 16)) : random.pick(INTERESTING);
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const little = random.below(4) !== 0;
      if (width === 2) view.setUint16(at, Number(value & 0xffffn), little);
      else if (width === 4) view.setUint32(at, Number(value & 0xffffffffn), little);
      else view.setBigUint64(at, value, little);
      return out;
    }
    default: {
      // random bytes behind a real magic, or none
      const magic = random.pick([
        [0x7f, 0x45, 0x4c, 0x46, 2, 1],
        [0x4d, 0x5a],
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xca, 0xfe, 0xba, 0xbe],
        [],
      ]);
      const bytes = random.bytes(random.below(2048));
      bytes.set(magic.slice(0, bytes.length));
      return bytes;
    }
  }
}

function outcome(run: () => unknown): string {
  try {
    return JSON.stringify(run());
  } catch (error) {
    if (!(error instanceof AnalyzeError)) throw error;
    if (error.cause instanceof TypeError || error.cause instanceof RangeError) {
      throw new Error(`an AnalyzeError wraps a bug: ${String(error.cause)}`, { cause: error.cause });
    }
    return `error:${error.kind}`;
  }
}

/** What an analysis through a reader gave, in `outcome`'s terms. */
async function settled(run: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await run());
  } catch (error) {
    if (!(error instanceof AnalyzeError)) throw error;
    return `error:${error.kind}`;
  }
}

test(`${ITERATIONS} mutated inputs return or throw AnalyzeError, promptly`, async () => {
  const seeds = [...fixtureFiles(), ...builtFiles(), ...memflowDylib()];
  expect(seeds.length).toBeGreaterThan(0);
  const random = new Random(SEED);
  let slowest = 0;
  let quickAnswers = 0;
  const kinds = new Map<string, number>();
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    const input = mutate(random, seeds);
    const started = performance.now();
    let result: string;
    let order: string;
    try {
      result = outcome(() => parseDescriptors(input));
      order = outcome(() => fileByteOrder(input));
    } catch (error) {
      const hex = Buffer.from(input.subarray(0, 64)).toString("hex");
      throw new Error(`input ${iteration} (seed ${SEED}, ${input.length} bytes, starts ${hex}) broke the invariant`, {
        cause: error,
      });
    }
    const elapsed = performance.now() - started;
    slowest = Math.max(slowest, elapsed);
    expect(elapsed).toBeLessThan(PER_INPUT_LIMIT_MS);
    // Descriptors are read in the file's byte order, so a file that has some has one.
    if (result !== "[]" && !result.startsWith("error:")) expect(order).not.toStartWith("error:");
    const kind = result.startsWith("error:") ? result : "ok";
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (iteration % READER_EVERY === 0) {
      expect(await settled(() => analyzeFile(bytesReader(input)))).toBe(result);
      expect(await settled(() => analyzeByteOrder(bytesReader(input)))).toBe(order);
      // The synchronous reader's driver reads on demand, the promised one re-runs: the same
      // answer or error (offset and message too), from the same reads, none outside the file.
      const synchronous = loggingReader(input, (range) => range);
      const promised = loggingReader(input, async (range) => range);
      const inMemory = exactOutcome(() => parseDescriptors(input));
      expect(exactOutcome(() => runBlocking(parseAny, synchronous.reader))).toBe(inMemory);
      await analyzeFile(promised.reader).catch(() => undefined);
      expect(synchronous.reads).toEqual(promised.reads);
      expect(synchronous.outside).toEqual([]);
      // analyzeFileSync tries a quick scan first (below), then that driver: the same outcome.
      const quick = loggingReader(input, (range) => range);
      expect(exactOutcome(() => analyzeFileSync(quick.reader))).toBe(inMemory);
      expect(quick.outside).toEqual([]);
    }
    // A quick scan answers only where the full parser gives the same answer: every input.
    const reader = {
      size: input.length,
      read: (offset: number, length: number) => input.subarray(offset, offset + length),
    };
    const quick = input.length > 0 ? quickScan(reader, readFirst(reader)) : undefined;
    if (quick !== undefined) {
      quickAnswers += 1;
      expect(JSON.stringify(quick)).toBe(result);
    }
  }
  // Most mutations must still reach the parsers' later stages, or the fuzzer tests little; and
  // enough must stay common files for the quick scans to answer.
  expect(kinds.get("ok") ?? 0).toBeGreaterThan(ITERATIONS / 20);
  expect(quickAnswers).toBeGreaterThan(ITERATIONS / 40);
  console.log(
    `fuzz: ${ITERATIONS} inputs, slowest ${slowest.toFixed(2)} ms, outcomes ${JSON.stringify(Object.fromEntries(kinds))}, ${quickAnswers} answered by a quick scan`,
  );
}, 600_000);

/**
 * What core's benches share (their C baselines are built by test/support/build-plugins.ts, as the
 * plugins they call): the baseline run as a program that prints its medians as JSON, sampling, and
 * the interleaving of baseline and memflow-ts rounds (the ratio is taken per round, the two sides
 * measured moments apart, and its median reported, which keeps the shared machine's drift out of it).
 */
import { median } from "../../../tooling/bench/measure.ts";
import type { MemoryAccess, ReadRequest, ReadResults, TransferBatch, WriteRequest } from "../src/index.ts";

/** Medians by name, as a baseline prints them and as the TypeScript side measures them. */
export type Medians = Record<string, number>;

function runBaseline(command: readonly string[]): Medians {
  const output = Bun.spawnSync([...command], { stdout: "pipe", stderr: "pipe" });
  if (output.exitCode !== 0) throw new Error(`native baseline failed: ${output.stderr.toString()}`);
  return JSON.parse(output.stdout.toString()) as Medians;
}

export interface Interleaved {
  /** The median over the rounds of the baseline's value for `name`. */
  native(name: string): number;
  /** The same for memflow-ts. */
  ts(name: string): number;
  /** The median over the rounds of ts / native, each round's two values taken together. */
  ratio(name: string, tsName?: string): number;
}

/** Runs the baseline program and `measureTs` one after the other, `rounds` times. */
export function interleave(rounds: number, baseline: readonly string[], measureTs: () => Medians): Interleaved {
  const nativeRuns: Medians[] = [];
  const tsRuns: Medians[] = [];
  for (let round = 0; round < rounds; round += 1) {
    nativeRuns.push(runBaseline(baseline));
    tsRuns.push(measureTs());
  }
  const medianOf = (runs: Medians[], name: string) => median(runs.map((run) => run[name] ?? Number.NaN));
  return {
    native: (name) => medianOf(nativeRuns, name),
    ts: (name) => medianOf(tsRuns, name),
    ratio: (name, tsName = name) =>
      median(nativeRuns.map((run, index) => (tsRuns[index]?.[tsName] ?? Number.NaN) / (run[name] ?? Number.NaN))),
  };
}

/** As native-bench.h: samples per measurement, after unmeasured warm-up ones. */
const SAMPLES = 15;
const WARMUP = 2;

/** The median over SAMPLES of the time of `rounds` runs of `run`, in ns per item (`items` per run). */
export function medianNs(run: () => void, rounds: number, items: number): number {
  const samples: number[] = [];
  for (let sample = -WARMUP; sample < SAMPLES; sample += 1) {
    const started = Bun.nanoseconds();
    for (let round = 0; round < rounds; round += 1) run();
    if (sample >= 0) samples.push((Bun.nanoseconds() - started) / (rounds * items));
  }
  return median(samples);
}

/** Where the measured calls put what they compute from the bytes they read (so no JIT can skip reading them). */
const sink = { value: 0 };

/** Every byte of `length` at `offset` XORed together: reading a result as a caller would (native-bench.h's consume). */
function xorBytes(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let at = 0; at < length; at += 1) sum ^= bytes[offset + at] as number;
  return sum;
}

/** Every byte of every request of `results` read whole, XORed together. */
function xorResults(results: ReadResults): number {
  const bytes = results.bytes;
  let sum = 0;
  for (let index = 0; index < results.count; index += 1)
    if (results.ok(index)) sum ^= xorBytes(bytes, results.offset(index), results.length(index));
  return sum;
}

/**
 * The batched reads of the benches, each followed by reading every byte of every request that was
 * read whole, as a caller would: readBatch's columns, readMany's objects, a reused TransferBatch.
 */
export const readEveryByte = {
  /** readBatch, its results disposed when read (so the memory reuses their table and buffer). */
  batch(memory: MemoryAccess, requests: readonly ReadRequest[]): void {
    using results = memory.readBatch(requests);
    sink.value ^= xorResults(results);
  },
  /** readBatch, its results kept (left to the garbage collector). */
  kept(memory: MemoryAccess, requests: readonly ReadRequest[]): void {
    sink.value ^= xorResults(memory.readBatch(requests));
  },
  many(memory: MemoryAccess, requests: readonly ReadRequest[]): void {
    let sum = 0;
    for (const result of memory.readMany(requests)) if (result.ok) sum ^= xorBytes(result.data, 0, result.data.length);
    sink.value ^= sum;
  },
  run(memory: { run(batch: TransferBatch): void }, batch: TransferBatch): void {
    memory.run(batch);
    let sum = 0;
    for (let index = 0; index < batch.count; index += 1) {
      const bytes = batch.buffer(index) as Uint8Array;
      if (batch.done(index) === bytes.length) sum ^= xorBytes(bytes, 0, bytes.length);
    }
    sink.value ^= sum;
  },
};

/**
 * The batched writes of the benches, each followed by learning whether every request was written
 * whole, as a caller would (native-read.c's write round counts each report's bytes).
 */
export const writeAndCheck = {
  /** writeBatchFrom (request i's bytes the i-th range of `bytes`), its results disposed when checked. */
  from(memory: MemoryAccess, requests: readonly ReadRequest[], bytes: Uint8Array): void {
    using results = memory.writeBatchFrom(requests, bytes);
    sink.value ^= results.allOk() ? 1 : 0;
  },
  /** writeBatch, its results disposed when checked. */
  batch(memory: MemoryAccess, requests: readonly WriteRequest[]): void {
    using results = memory.writeBatch(requests);
    sink.value ^= results.allOk() ? 1 : 0;
  },
  many(memory: MemoryAccess, requests: readonly WriteRequest[]): void {
    let sum = 0;
    for (const result of memory.writeMany(requests)) sum ^= result.done;
    sink.value ^= sum;
  },
  run(memory: { run(batch: TransferBatch, write?: boolean): void }, batch: TransferBatch): void {
    memory.run(batch, true);
    let sum = 0;
    for (let index = 0; index < batch.count; index += 1) sum ^= batch.done(index);
    sink.value ^= sum;
  },
};

/**
 * `parseDescriptors` from memory on every committed fixture, on memflow's own dylib and on the
 * realistic builds (bench/realistic-corpus.ts: 5–10 MiB, 20,000 relocations), against a
 * baseline measured in the same run: a memcpy of the file's bytes into a buffer allocated once
 * beforehand (what any analysis that touches every byte costs at least, without allocation or
 * page faults). Interleaved rounds; medians and minimums.
 */

import { readFileSync } from "node:fs";
import { formatBytes, formatDuration, interleavedRounds, printTable } from "../../../tooling/bench/measure.ts";
import { parseDescriptors } from "../src/index.ts";
import { builtFiles, fixtureFiles, memflowDylib } from "../test/support/corpus.ts";
import { realisticCorpus } from "./realistic-corpus.ts";

const ROUNDS = Number(process.env.PARSE_ROUNDS ?? 15);

const corpus = realisticCorpus();
for (const reason of corpus.skipped) console.log(`skipped: ${reason}`);
const realistic = corpus.builds.map((build) => ({
  name: `realistic/${build.build}`,
  bytes: new Uint8Array(readFileSync(build.path)),
}));

const files = [...memflowDylib(), ...fixtureFiles(), ...builtFiles(), ...realistic].filter((file) => {
  try {
    parseDescriptors(file.bytes);
    return true;
  } catch {
    return false; // broken fixtures measure error paths, not parsing
  }
});

// One target for every copy, written to once before timing so its pages are mapped.
const target = new Uint8Array(Math.max(...files.map((file) => file.bytes.length)));
target.fill(1);

const rows: string[][] = [];
for (const file of files) {
  // Enough operations per sample to dwarf the timer, and untimed rounds first so the JIT has settled.
  const batch = Math.max(20, Math.round(200_000 / Math.max(file.bytes.length, 1)));
  const [parse, copy] = await interleavedRounds(
    [
      () => {
        for (let index = 0; index < batch; index += 1) parseDescriptors(file.bytes);
      },
      () => {
        for (let index = 0; index < batch; index += 1) target.set(file.bytes);
      },
    ],
    ROUNDS,
    5,
  );
  const per = (ms: number | undefined) => (ms ?? 0) / batch;
  rows.push([
    file.name,
    formatBytes(file.bytes.length),
    formatDuration(per(parse?.median)),
    formatDuration(per(parse?.min)),
    formatDuration(per(copy?.median)),
    formatDuration(per(copy?.min)),
    `${(per(parse?.median) / per(copy?.median)).toFixed(3)}×`,
  ]);
}
console.log(`parseDescriptors from memory, ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`);
printTable(
  ["file", "size", "parse median", "parse min", "memcpy median", "memcpy min", "parse / memcpy (medians)"],
  rows,
);

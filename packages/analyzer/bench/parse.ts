/**
 * `parseDescriptors` from memory on every committed fixture and on memflow's own dylib, against
 * a baseline measured in the same run: copying the file's bytes once (what any analysis that
 * touches every byte costs at least).
 */

import { formatBytes, formatDuration, interleavedMedians, printTable } from "../../../tooling/bench/measure.ts";
import { parseDescriptors } from "../src/index.ts";
import { builtFiles, fixtureFiles, memflowDylib } from "../test/support/corpus.ts";

const ROUNDS = 15;

const files = [...memflowDylib(), ...fixtureFiles(), ...builtFiles()].filter((file) => {
  try {
    parseDescriptors(file.bytes);
    return true;
  } catch {
    return false; // broken fixtures measure error paths, not parsing
  }
});

const rows: string[][] = [];
for (const file of files) {
  // Enough parses per sample to dwarf the timer, and untimed rounds first so the JIT has settled.
  const batch = Math.max(20, Math.round(200_000 / Math.max(file.bytes.length, 1)));
  const [parse, copy] = await interleavedMedians(
    [
      () => {
        for (let index = 0; index < batch; index += 1) parseDescriptors(file.bytes);
      },
      () => {
        for (let index = 0; index < batch; index += 1) file.bytes.slice();
      },
    ],
    ROUNDS,
    5,
  );
  const perParse = (parse ?? 0) / batch;
  const perCopy = (copy ?? 0) / batch;
  rows.push([
    file.name,
    formatBytes(file.bytes.length),
    formatDuration(perParse),
    formatDuration(perCopy),
    `${(perParse / perCopy).toFixed(2)}×`,
  ]);
}
console.log(`parseDescriptors from memory, median of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`);
printTable(["file", "size", "parseDescriptors", "baseline: copy all bytes", "parse / copy"], rows);

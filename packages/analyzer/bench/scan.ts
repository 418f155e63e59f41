/**
 * A directory scan: 500 plugin files of 2–8 MiB (fixtures padded with filler bytes), analysed
 * with `analyzeFile(path)` versus reading every byte of every file, which is what memflow does
 * before it parses (`fs::read`). Both run sequentially over the same warm page cache, interleaved
 * round by round; the table gives medians and the ratios.
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, formatDuration, interleavedMedians, printTable } from "../../../tooling/bench/measure.ts";
import { analyzeFile, openFileReader } from "../src/fs.ts";
import { analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { builtElfFiles, fixtureFiles, memflowDylib } from "../test/support/corpus.ts";
import { Random } from "../test/support/random.ts";

const FILES = Number(process.env.SCAN_FILES ?? 500);
const ROUNDS = Number(process.env.SCAN_ROUNDS ?? 5);
const MIB = 1024 * 1024;

const seeds = [...memflowDylib(), ...fixtureFiles(), ...builtElfFiles()].filter((file) => {
  try {
    return parseDescriptors(file.bytes).length > 0;
  } catch {
    return false;
  }
});

const directory = await mkdtemp(join(tmpdir(), "memflow-ts-scan-"));
try {
  const random = new Random(0x5ca11);
  const filler = random.bytes(MIB);
  const paths: string[] = [];
  let diskBytes = 0;
  process.stdout.write(`writing ${FILES} files to ${directory} ... `);
  for (let index = 0; index < FILES; index += 1) {
    const seed = seeds[index % seeds.length]?.bytes ?? new Uint8Array(0);
    const size = Math.max(seed.length, 2 * MIB + random.below(6 * MIB));
    const file = new Uint8Array(size);
    file.set(seed);
    for (let at = seed.length; at < size; at += filler.length)
      file.set(filler.subarray(0, Math.min(filler.length, size - at)), at);
    const path = join(directory, `libmemflow_plugin_${index}.so`);
    await Bun.write(path, file);
    paths.push(path);
    diskBytes += size;
  }
  console.log(`${formatBytes(diskBytes)}`);

  // Both sides must agree with parsing the whole file, or the comparison means nothing.
  for (const path of paths.slice(0, seeds.length)) {
    const whole = JSON.stringify(parseDescriptors(new Uint8Array(readFileSync(path))));
    if (JSON.stringify(await analyzeFile(path)) !== whole) throw new Error(`analyzeFile disagrees on ${path}`);
  }

  let bytesRead = 0;
  let reads = 0;
  const [analyze, readAll] = await interleavedMedians(
    [
      async () => {
        bytesRead = 0;
        reads = 0;
        for (const path of paths) {
          const reader = openFileReader(path);
          try {
            analyzeFileSync(reader);
          } finally {
            reader.close();
          }
          bytesRead += reader.bytesRead;
          reads += reader.reads;
        }
      },
      () => {
        for (const path of paths) readFileSync(path);
      },
    ],
    ROUNDS,
  );
  const analyzeMs = analyze ?? 0;
  const readAllMs = readAll ?? 0;
  console.log(`\ndirectory scan of ${FILES} files, median of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`);
  printTable(
    ["", "time for all files", "per file", "bytes read", "reads per file"],
    [
      [
        "baseline: read every byte (readFileSync)",
        formatDuration(readAllMs),
        formatDuration(readAllMs / FILES),
        formatBytes(diskBytes),
        "1",
      ],
      [
        "analyzeFile(path)",
        formatDuration(analyzeMs),
        formatDuration(analyzeMs / FILES),
        formatBytes(bytesRead),
        (reads / FILES).toFixed(1),
      ],
    ],
  );
  console.log(
    `\nspeed-up: ${(readAllMs / analyzeMs).toFixed(1)}× faster than reading all bytes; ` +
      `bytes read: ${((bytesRead / diskBytes) * 100).toFixed(3)}% of the bytes on disk`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}

/**
 * A directory scan of padded fixtures: 500 plugin files of 2–8 MiB (the small committed fixtures
 * with filler bytes appended, so everything the analyzer needs is in the first few KiB: the
 * best case; `scan-realistic.ts` measures files laid out like real plugins), analysed
 * with `analyzeFile(path)` versus reading every byte of every file, which is what memflow does
 * before it parses (`fs::read`). Both run sequentially over the same warm page cache, interleaved
 * round by round; the table gives medians and the ratios.
 *
 * SCAN_COLD=1 (as root, on Linux) also measures both with the page cache dropped before each
 * side, as on a first scan after boot. It drops the whole machine's page cache: opt-in only.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, formatDuration, interleavedRounds, printTable } from "../../../tooling/bench/measure.ts";
import { analyzeFile, openFileReader } from "../src/fs.ts";
import { analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { builtFiles, fixtureFiles, memflowDylib } from "../test/support/corpus.ts";
import { Random } from "../test/support/random.ts";

const FILES = Number(process.env.SCAN_FILES ?? 500);
const ROUNDS = Number(process.env.SCAN_ROUNDS ?? 5);
const COLD_ROUNDS = process.env.SCAN_COLD === "1" ? Number(process.env.SCAN_COLD_ROUNDS ?? 3) : 0;
const MIB = 1024 * 1024;

const seeds = [...memflowDylib(), ...fixtureFiles(), ...builtFiles()].filter((file) => {
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
  const analyzeAll = () => {
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
  };
  const readAll = () => {
    for (const path of paths) readFileSync(path);
  };

  const [analyzeStats, readAllStats] = await interleavedRounds([analyzeAll, readAll], ROUNDS);
  const [analyzeMs, readAllMs] = [analyzeStats?.median ?? 0, readAllStats?.median ?? 0];
  console.log(
    `\ndirectory scan of ${FILES} padded fixtures, median of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`,
  );
  const rows = [
    ["baseline: read every byte (readFileSync), warm cache", readAllMs, diskBytes, 1],
    ["analyzeFile(path), warm cache", analyzeMs, bytesRead, reads / FILES],
  ] as [string, number, number, number][];

  let cold: [number, number] | undefined;
  if (COLD_ROUNDS > 0) {
    const dropCaches = () => {
      Bun.spawnSync(["sync"]);
      writeFileSync("/proc/sys/vm/drop_caches", "3\n");
    };
    const coldTimes: [number[], number[]] = [[], []];
    for (let round = 0; round < COLD_ROUNDS; round += 1) {
      for (const [index, run] of [analyzeAll, readAll].entries()) {
        dropCaches();
        const started = Bun.nanoseconds();
        run();
        coldTimes[index]?.push((Bun.nanoseconds() - started) / 1e6);
      }
    }
    const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    cold = [middle(coldTimes[0]), middle(coldTimes[1])];
    rows.push(
      ["baseline: read every byte (readFileSync), cold cache", cold[1], diskBytes, 1],
      ["analyzeFile(path), cold cache", cold[0], bytesRead, reads / FILES],
    );
  }
  printTable(
    ["", "time for all files", "per file", "bytes read", "reads per file"],
    rows.map(([label, ms, bytes, perFile]) => [
      label,
      formatDuration(ms),
      formatDuration(ms / FILES),
      formatBytes(bytes),
      perFile.toFixed(1),
    ]),
  );
  console.log(
    `\nwarm cache: ${(readAllMs / analyzeMs).toFixed(1)}× faster than reading all bytes ` +
      `(min ${((readAllStats?.min ?? 0) / (analyzeStats?.min ?? 1)).toFixed(1)}×)` +
      (cold ? `; cold cache: ${(cold[1] / cold[0]).toFixed(1)}×` : "") +
      `; bytes read: ${((bytesRead / diskBytes) * 100).toFixed(3)}% of the bytes on disk`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}

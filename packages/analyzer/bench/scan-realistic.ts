/**
 * A directory scan of 500 realistic plugins (bench/realistic-corpus.ts: gcc, lld, mingw and
 * ld64.lld builds, 5–10 MiB, 20,000 relocations, descriptors megabytes into the file), against
 * reading every byte of every file: into one buffer allocated once (the baseline: the reads
 * alone), and with `readFileSync` (memflow's `fs::read` before it parses, allocating per file).
 *
 * Timed three ways, interleaved round by round over a warm page cache: as whole fresh processes
 * in the two forms a CLI runs in, `bun bench/scan-process.ts` from sources and the same script
 * built into a single-file executable the way `memflow-ts` is built (minified bytecode:
 * tooling/scripts/build-bin.ts), start-up and module loading included; and inside one warmed-up
 * process. Both sides of a ratio run in the same form. Medians and minimums over the rounds; the
 * ratios are the baseline's time over the analyzer's.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatBytes,
  formatDuration,
  interleavedRounds,
  median,
  printTable,
  type RoundStats,
} from "../../../tooling/bench/measure.ts";
import { compileModules, hostBinTarget } from "../../../tooling/scripts/build-bin.ts";
import { analyzeFileSync as analyzePathSync, openFileReader } from "../src/fs.ts";
import { analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { readEveryByteInto } from "./read-every-byte.ts";
import { realisticCorpus } from "./realistic-corpus.ts";

const ROUNDS = Number(process.env.SCAN_ROUNDS ?? 5);

const corpus = realisticCorpus();
for (const reason of corpus.skipped) console.log(`skipped: ${reason}`);
const paths = corpus.files.map((file) => file.path);
const diskBytes = paths.reduce((sum, path) => sum + Bun.file(path).size, 0);
console.log(
  `${paths.length} files, ${formatBytes(diskBytes)}, ${corpus.builds.length} distinct builds in ${corpus.directory}`,
);

// Both sides must give what the builds defined, or the comparison means nothing.
for (const [index, file] of corpus.files.entries()) {
  if (index % 25 !== 0 && !corpus.builds.includes(file)) continue;
  const expected = JSON.stringify(file.expected);
  if (JSON.stringify(analyzePathSync(file.path)) !== expected) throw new Error(`analyzeFile disagrees on ${file.path}`);
  if (JSON.stringify(parseDescriptors(new Uint8Array(readFileSync(file.path)))) !== expected)
    throw new Error(`parseDescriptors disagrees on ${file.path}`);
}

interface Measured {
  bytesRead: number;
  reads: number;
  /** Fresh processes: ms from process start to the first file, and to the last one done. */
  readyMs?: number;
  doneMs?: number;
  /** Fresh processes: CPU time of the work, all threads. */
  cpuMs?: number;
}

/** Reads per build, for the table of what each kind of file costs. */
const perBuild = new Map<string, Measured & { size: number }>();
let inProcess: Measured = { bytesRead: 0, reads: 0 };
const analyzeAll = () => {
  const total = { bytesRead: 0, reads: 0 };
  for (const file of corpus.files) {
    const reader = openFileReader(file.path);
    try {
      analyzeFileSync(reader);
    } finally {
      reader.close();
    }
    total.bytesRead += reader.bytesRead;
    total.reads += reader.reads;
    if (!perBuild.has(file.build))
      perBuild.set(file.build, { bytesRead: reader.bytesRead, reads: reader.reads, size: reader.size });
  }
  inProcess = total;
};
const readAll = () => {
  for (const path of paths) readFileSync(path);
};
const readBuffer = new Uint8Array(64 * 1024 * 1024);
const readAllInto = () => {
  for (const path of paths) readEveryByteInto(path, readBuffer);
};

const listing = join(corpus.directory, "listing.txt");
writeFileSync(listing, `${paths.join("\n")}\n`);

/** The two forms a fresh process runs in: from sources, and built as the CLI's executable is. */
type Form = "sources" | "executable";
const sourcesCommand = [process.execPath, join(import.meta.dir, "scan-process.ts")];
const target = hostBinTarget();
let executableCommand: string[] | undefined;
if (target === undefined) {
  console.log(`skipped: the executable (no Bun target for ${process.platform}-${process.arch})`);
} else {
  const outfile = join(tmpdir(), `memflow-ts-scan-process-${process.pid}`);
  // Imported, not named as an import: the package declares no side effects, so a bare import
  // would be left out of the bundle.
  const script = JSON.stringify(join(import.meta.dir, "scan-process.ts"));
  await compileModules({ main: `await import(${script});\n` }, target, outfile);
  executableCommand = [outfile];
  process.on("exit", () => rmSync(outfile, { force: true }));
}

type Mode = "analyze" | "read" | "read-into" | "start";
const fresh: Record<string, Measured> = {};
const analyzePhases: Record<Form, { readyMs: number; workMs: number; cpuMs: number }[]> = {
  sources: [],
  executable: [],
};
const freshProcess = (form: Form, command: readonly string[], mode: Mode) => () => {
  const run = Bun.spawnSync([...command, mode, listing], { stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`scan-process ${mode} (${form}) failed:\n${run.stderr.toString()}`);
  const measured = JSON.parse(run.stdout.toString()) as Measured;
  fresh[mode] = measured;
  if (mode === "analyze") {
    analyzePhases[form].push({
      readyMs: measured.readyMs ?? 0,
      workMs: (measured.doneMs ?? 0) - (measured.readyMs ?? 0),
      cpuMs: measured.cpuMs ?? 0,
    });
  }
};
const MODES: readonly Mode[] = ["analyze", "read", "read-into", "start"];
const forms: [Form, readonly string[]][] = [["sources", sourcesCommand]];
if (executableCommand !== undefined) forms.push(["executable", executableCommand]);
const freshStats = await interleavedRounds(
  forms.flatMap(([form, command]) => MODES.map((mode) => freshProcess(form, command, mode))),
  ROUNDS,
);
const [freshAnalyze, freshRead, freshReadInto, freshStart] = freshStats;
const [binAnalyze, binRead, binReadInto, binStart] = freshStats.slice(MODES.length);
const [warmAnalyze, warmRead, warmReadInto] = await interleavedRounds([analyzeAll, readAll, readAllInto], ROUNDS);

const files = paths.length;
const row = (label: string, stats: RoundStats | undefined, measured: Measured | undefined) => [
  label,
  formatDuration(stats?.median ?? 0),
  formatDuration(stats?.min ?? 0),
  formatDuration((stats?.median ?? 0) / files),
  measured ? formatBytes(measured.bytesRead) : "",
  measured ? `${((measured.bytesRead / diskBytes) * 100).toFixed(2)}%` : "",
  measured ? (measured.reads / files).toFixed(1) : "",
];
const ratio = (baseline: RoundStats | undefined, measured: RoundStats | undefined) =>
  `${((baseline?.median ?? 0) / (measured?.median ?? 1)).toFixed(1)}× (min ${((baseline?.min ?? 0) / (measured?.min ?? 1)).toFixed(1)}×)`;

console.log(
  `\nrealistic directory scan of ${files} files (${formatBytes(diskBytes)}), ${ROUNDS} interleaved rounds, warm page cache (Bun ${Bun.version})\n`,
);
printTable(
  ["", "median", "min", "per file", "bytes read", "of bytes on disk", "reads per file"],
  [
    row("fresh process: read every byte (readFileSync)", freshRead, fresh.read),
    row("fresh process: baseline, read every byte into one buffer", freshReadInto, fresh["read-into"]),
    row("fresh process: analyzeFileSync(reader)", freshAnalyze, fresh.analyze),
    row("fresh process: start-up only (all pay it)", freshStart, undefined),
    ...(executableCommand === undefined
      ? []
      : [
          row("fresh executable: read every byte (readFileSync)", binRead, fresh.read),
          row("fresh executable: baseline, read every byte into one buffer", binReadInto, fresh["read-into"]),
          row("fresh executable: analyzeFileSync(reader)", binAnalyze, fresh.analyze),
          row("fresh executable: start-up only (all pay it)", binStart, undefined),
        ]),
    row("in process: read every byte (readFileSync)", warmRead, undefined),
    row("in process: baseline, read every byte into one buffer", warmReadInto, undefined),
    row("in process: analyzeFileSync(reader)", warmAnalyze, inProcess),
  ],
);
console.log(
  `\nagainst the baseline (every byte into one buffer): fresh process ${ratio(freshReadInto, freshAnalyze)} faster, ` +
    (executableCommand === undefined ? "" : `fresh executable ${ratio(binReadInto, binAnalyze)}, `) +
    `in process ${ratio(warmReadInto, warmAnalyze)}; against readFileSync: fresh process ` +
    `${ratio(freshRead, freshAnalyze)}, ` +
    (executableCommand === undefined ? "" : `fresh executable ${ratio(binRead, binAnalyze)}, `) +
    `in process ${ratio(warmRead, warmAnalyze)}`,
);

for (const [form] of forms) {
  const phases = analyzePhases[form];
  console.log(
    `fresh analyzeFileSync ${form === "sources" ? "process" : "executable"}, medians: ` +
      `${formatDuration(median(phases.map((phase) => phase.readyMs)))} to start and load the analyzer, ` +
      `${formatDuration(median(phases.map((phase) => phase.workMs)))} analysing using ` +
      `${formatDuration(median(phases.map((phase) => phase.cpuMs)))} of CPU on all threads ` +
      "(against a warm process: the difference is the JIT warming up and compiling)",
  );
}

console.log("\nper build (the first copy of each)\n");
printTable(
  ["build", "size", "reads", "bytes read", "of the file"],
  [...perBuild.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([build, { size, reads, bytesRead }]) => [
      build,
      formatBytes(size),
      String(reads),
      formatBytes(bytesRead),
      `${((bytesRead / size) * 100).toFixed(2)}%`,
    ]),
);

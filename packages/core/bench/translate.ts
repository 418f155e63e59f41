/**
 * Issue 15's first performance target: TypeScript x86-64 translation of 64 addresses in one batch
 * over a native connector plugin (core's C test connector), against a C implementation of the
 * same batched 4-level walk over the same plugin through its vtable (native-translate.c), in the
 * same run. Both walk the same tables (written by the TypeScript side, loaded by the C one), and
 * their results are checked to agree. Prints median ns per address and the ratio, for the two
 * calls core's README shows: `translate(…, results)` with a kept WalkResults (the fast one) and
 * `translate(…)` returning objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDuration, median, printTable } from "../../../tooling/bench/measure.ts";
import { nativeShimKind } from "../src/ffi/shim.ts";
import { Inventory } from "../src/index.ts";
import { translate } from "../src/os/translate/translate.ts";
import { WALK, WalkResults } from "../src/os/translate/walk-results.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildProgram, buildTestPlugin } from "../test/support/build-plugins.ts";
import { PageTableWriter, seededRandom } from "../test/support/page-tables.ts";

const directory = mkdtempSync(join(tmpdir(), "memflow-ts-translate-bench-"));
const ARCH = { kind: "X86", bits: 64, addressExtensions: false } as const;
const SIZE_ARG = "1000k"; // hex: 4 MiB
const TABLES_FROM = 0x20_0000;
const COUNT = 64;
const ROUNDS = 7;

/** memflow-style checksum of a walk's physical addresses (~0 for none), as native-translate.c prints it. */
function checksum(physical: readonly bigint[]): string {
  let sum = 0n;
  for (const value of physical) sum = (sum * 31n + value) & 0xffff_ffff_ffff_ffffn;
  return sum.toString(16);
}

try {
  const plugin = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  const native = buildProgram(directory, join(import.meta.dir, "native-translate.c"), "native-translate");

  // Two shapes of 64 addresses, 4 KiB pages: memflow-bench's (vat::chunk_vat: base + rand(0..0x2000),
  // so the batch shares its upper entries) and a spread one (each address in its own 2 MiB region,
  // so its own page table: 130 distinct entries per walk).
  const bytes = new Uint8Array(4 * 1024 * 1024);
  const tables = new PageTableWriter(bytes, "x64", TABLES_FROM);
  const nextRandom = seededRandom(0x2545f491);
  const SHAPES = [
    {
      name: "memflow-bench vat (base + rand(0..0x2000))",
      addresses: Array.from({ length: COUNT }, () => 0x7f34_5678_0000 + (nextRandom() % 0x2000)),
    },
    {
      name: "spread (one page table per address)",
      addresses: Array.from({ length: COUNT }, (_, index) => 0x7f12_0000_0000 + index * 0x20_3000 + index * 0x48),
    },
  ];
  let frame = 0x1_0000n;
  for (const shape of SHAPES) {
    for (const address of new Set(shape.addresses.map((address) => BigInt(address) & ~0xfffn))) {
      tables.map(address, frame);
      frame += 0x1000n;
    }
  }
  const tableBytes = bytes.subarray(TABLES_FROM, TABLES_FROM + 0x10_0000);

  const inventory = Inventory.scanPath(directory, { host: hostFor("linux", process.arch) });
  using connector = inventory.instantiateConnector("testmem", undefined, `:size=${SIZE_ARG}`);
  connector.write(TABLES_FROM, tableBytes);
  const results = new WalkResults();

  const measure = (run: () => void, rounds: number): number => {
    const samples: number[] = [];
    for (let sample = -2; sample < 15; sample += 1) {
      const started = Bun.nanoseconds();
      for (let round = 0; round < rounds; round += 1) run();
      if (sample >= 0) samples.push((Bun.nanoseconds() - started) / (rounds * COUNT));
    }
    return median(samples);
  };

  const rows: string[][] = [];
  for (const shape of SHAPES) {
    const addresses = shape.addresses;
    const input = new BigUint64Array(4 + COUNT);
    input.set([BigInt(TABLES_FROM), BigInt(tableBytes.length), BigInt(tables.root), BigInt(COUNT)]);
    input.set(
      addresses.map((address) => BigInt(address)),
      4,
    );
    const inputPath = join(directory, "walk.bin");
    writeFileSync(inputPath, Buffer.concat([new Uint8Array(input.buffer), tableBytes]));
    const tsChecksum = checksum(
      translate(connector, ARCH, tables.root, addresses).map((result) =>
        result.ok ? result.physical : 0xffff_ffff_ffff_ffffn,
      ),
    );
    translate(connector, ARCH, tables.root, addresses, results);
    const keptChecksum = checksum(
      addresses.map((_, index) =>
        results.status[index] === WALK.OK ? BigInt(results.physical[index] ?? 0) : 0xffff_ffff_ffff_ffffn,
      ),
    );
    if (keptChecksum !== tsChecksum) throw new Error("translate() with and without kept results disagree");

    const nativeRuns: number[] = [];
    const keptRuns: number[] = [];
    const objectRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const output = Bun.spawnSync([native, plugin, SIZE_ARG, inputPath], { stdout: "pipe", stderr: "pipe" });
      if (output.exitCode !== 0) throw new Error(`native baseline failed: ${output.stderr.toString()}`);
      const parsed = JSON.parse(output.stdout.toString()) as { ns: number; checksum: string };
      if (parsed.checksum !== tsChecksum)
        throw new Error(`the walks disagree: C checksum ${parsed.checksum}, TypeScript ${tsChecksum}`);
      nativeRuns.push(parsed.ns);
      keptRuns.push(measure(() => translate(connector, ARCH, tables.root, addresses, results), 20_000));
      objectRuns.push(measure(() => translate(connector, ARCH, tables.root, addresses), 5_000));
    }
    const ratio = (runs: number[]) => median(runs.map((ns, index) => ns / (nativeRuns[index] ?? Number.NaN)));
    rows.push([
      shape.name,
      formatDuration(median(nativeRuns) / 1e6),
      formatDuration(median(keptRuns) / 1e6),
      `${ratio(keptRuns).toFixed(2)}×`,
      formatDuration(median(objectRuns) / 1e6),
      `${ratio(objectRuns).toFixed(2)}×`,
    ]);
  }

  console.log(
    `x86-64 translation, ${COUNT} addresses per batch over a C connector plugin, median ns per address over ` +
      `${ROUNDS} interleaved rounds (Bun ${Bun.version}, shim built by ${nativeShimKind()}); the C and TypeScript ` +
      "walks found the same physical addresses\n",
  );
  printTable(
    [
      "addresses",
      "C walk via the vtable (baseline)",
      "translate(…, results)",
      "/ C (target ≤ 2×)",
      "translate(…) (objects)",
      "/ C",
    ],
    rows,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}

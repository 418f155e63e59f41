/**
 * memflow's read benchmark shapes (memflow-bench: batches of 1 and 64 reads of 8 B and 4 KiB,
 * and one 1 MiB read) through a C connector plugin, from memflow-ts and, in the same run, from
 * a small C program calling the plugin's vtable directly (the native baseline). Prints the
 * median ns per item, the ratio, and bandwidth for the 1 MiB read; then 64 × 8 B through each
 * batched API (readBatch, readMany, a reused TransferBatch) with every byte read after each call,
 * and 64 × 8 B written from one buffer through each (writeBatchFrom, writeBatch, writeMany, a
 * reused TransferBatch), against the C caller doing the same.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { formatDuration, printTable } from "../../../tooling/bench/measure.ts";
import { nativeShimKind } from "../src/ffi/shim.ts";
import { Inventory, TransferBatch } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildProgram, buildTestPlugin, pluginDirectory } from "../test/support/build-plugins.ts";
import { interleave, medianNs, readEveryByte, writeAndCheck } from "./support.ts";

const directory = pluginDirectory("memflow-ts-read-bench-");

interface Shape {
  name: string;
  count: number;
  length: number;
  rounds: number;
}

const SHAPES: Shape[] = [
  { name: "1 x 8 B", count: 1, length: 8, rounds: 200_000 },
  { name: "64 x 8 B", count: 64, length: 8, rounds: 20_000 },
  { name: "1 x 4 KiB", count: 1, length: 4096, rounds: 100_000 },
  { name: "64 x 4 KiB", count: 64, length: 4096, rounds: 2_000 },
  { name: "1 x 1 MiB", count: 1, length: 1 << 20, rounds: 500 },
];

try {
  const plugin = buildTestPlugin(directory, "test-connector.c", "libmemflow_testmem.so");
  const native = buildProgram(directory, join(import.meta.dir, "native-read.c"), "native-read");

  const inventory = Inventory.scanPath(directory, { host: hostFor("linux", process.arch) });
  using connector = inventory.instantiateConnector("testmem", undefined, ":size=4000k");
  const addresses = Array.from({ length: 64 }, (_, index) => index * 0x10000 + 0x1000);
  const buffers = addresses.map(() => new Uint8Array(1 << 20));

  const measureTs = (shape: Shape): number => {
    const views = buffers.map((buffer) => buffer.subarray(0, shape.length));
    const batch = new TransferBatch(64);
    for (let index = 0; index < shape.count; index += 1)
      batch.add(addresses[index] ?? 0, views[index] ?? new Uint8Array(0));
    if (shape.count === 1) {
      const view = views[0] ?? new Uint8Array(0);
      return medianNs(() => connector.readInto(0x1000, view), shape.rounds, 1);
    }
    return medianNs(
      () => {
        batch.clear();
        for (let index = 0; index < shape.count; index += 1)
          batch.add(addresses[index] ?? 0, views[index] ?? new Uint8Array(0));
        connector.run(batch);
      },
      shape.rounds,
      shape.count,
    );
  };

  // 64 × 8 B through each batched API, every byte read after each call (as native-read.c's "bytes read" round does).
  const requests = addresses.map((address) => ({ address, length: 8 }));
  const small = new TransferBatch(64);
  for (const request of requests) small.add(request.address, new Uint8Array(request.length));
  const BYTES_READ = [
    { name: "readBatch", run: () => readEveryByte.batch(connector, requests) },
    { name: "readBatch, results kept", run: () => readEveryByte.kept(connector, requests) },
    { name: "readMany", run: () => readEveryByte.many(connector, requests) },
    { name: "run(TransferBatch)", run: () => readEveryByte.run(connector, small) },
  ];

  // 64 × 8 B written through each batched API, each request's outcome learnt (as native-read.c's write round does).
  // The same bytes as the C writer's: one buffer, request i's 8 bytes all i; writeBatch takes a view of it per request.
  const writeBytes = Uint8Array.from({ length: 64 * 8 }, (_, at) => at >> 3);
  const writes = addresses.map((address, index) => ({ address, data: writeBytes.subarray(index * 8, index * 8 + 8) }));
  const smallWrites = new TransferBatch(64);
  for (const request of writes) smallWrites.add(request.address, request.data);
  const WRITTEN = [
    { name: "writeBatchFrom", run: () => writeAndCheck.from(connector, requests, writeBytes) },
    { name: "writeBatch", run: () => writeAndCheck.batch(connector, writes) },
    { name: "writeMany", run: () => writeAndCheck.many(connector, writes) },
    { name: "run(TransferBatch, true)", run: () => writeAndCheck.run(connector, smallWrites) },
  ];

  // Native and memflow-ts runs interleaved, the ratio taken per round (support.ts).
  const ROUNDS = 5;
  const runs = interleave(ROUNDS, [native, plugin], () => ({
    ...Object.fromEntries(SHAPES.map((shape) => [shape.name, measureTs(shape)])),
    ...Object.fromEntries([...BYTES_READ, ...WRITTEN].map((api) => [api.name, medianNs(api.run, 20_000, 64)])),
  }));
  console.log(
    `reads through a C connector plugin, median ns per item over ${ROUNDS} interleaved rounds ` +
      `(Bun ${Bun.version}, shim built by ${nativeShimKind()})\n`,
  );
  printTable(
    ["shape", "native C (baseline)", "memflow-ts", "memflow-ts / native (median per round)", "memflow-ts bandwidth"],
    SHAPES.map((shape) => {
      const nativeNs = runs.native(shape.name);
      const tsNs = runs.ts(shape.name);
      const gbPerSecond = shape.length / tsNs;
      return [
        shape.name,
        formatDuration(nativeNs / 1e6),
        formatDuration(tsNs / 1e6),
        `${runs.ratio(shape.name).toFixed(2)}×`,
        `${gbPerSecond.toFixed(2)} GB/s`,
      ];
    }),
  );
  /** One batched API a row: its time per item against the C caller's in `baseline`, the ratio taken per round. */
  const apiTable = (title: string, baseline: string, apis: readonly { name: string }[]) => {
    console.log(`\n${title}\n`);
    printTable(
      ["API", "native C (baseline)", "memflow-ts", "memflow-ts / native (median per round)"],
      apis.map((api) => [
        `Connector.${api.name}`,
        formatDuration(runs.native(baseline) / 1e6),
        formatDuration(runs.ts(api.name) / 1e6),
        `${runs.ratio(baseline, api.name).toFixed(2)}×`,
      ]),
    );
  };
  apiTable(
    "64 x 8 B with every byte read after each call, both sides (issue 19: readBatch ≤ 1.5×)",
    "64 x 8 B, bytes read",
    BYTES_READ,
  );
  apiTable(
    "64 x 8 B written from one buffer, each request's outcome learnt, both sides (issue 19: the same for writes)",
    "64 x 8 B written",
    WRITTEN,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}

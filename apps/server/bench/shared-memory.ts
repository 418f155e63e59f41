/**
 * What a large download costs the server in memory, shared storage against the embedded folder in
 * the same run: one 64 MiB plugin (over what the HTTP layer keeps in memory, so every request
 * reaches the store), downloaded by 4 clients at once, in interleaved rounds. The measure is the
 * growth of each server process's peak resident memory (VmHWM) from its start over those rounds, and the median
 * time of a round. A store that reads an object whole per request grows by about the file's
 * size per client; a streaming one by neither.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, formatDuration, median, printTable } from "../../../tooling/bench/measure.ts";
import { postgresAvailable } from "../../../tooling/testing/postgres.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import { cleanUp, peakMemory, removeAtEnd, startServer } from "./children.ts";
import { benchPlugin, placeholderSignature, sha256, withAppended } from "./fill-storage.ts";
import { withSharedCopy } from "./shared-copy.ts";

const FILE_BYTES = 64 * 1024 * 1024;
const CLIENTS = 4;
const ROUNDS = 5;

/** One round: CLIENTS downloads at once, each checked; its duration in ms. */
async function round(url: string, digest: string): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const hasher = new Bun.CryptoHasher("sha256");
      const response = await fetch(`${url}/files/${digest}`);
      if (!response.ok || response.body === null) throw new Error(`download failed: HTTP ${response.status}`);
      for await (const chunk of response.body) hasher.update(chunk);
      if (hasher.digest("hex") !== digest) throw new Error(`${url} sent the wrong bytes`);
    }),
  );
  return performance.now() - started;
}

async function main(): Promise<void> {
  if (!postgresAvailable()) {
    console.error("shared memory bench: needs PostgreSQL (Debian package postgresql).");
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  const directory = mkdtempSync(join(tmpdir(), "memflow-ts-shared-memory-"));
  removeAtEnd(directory);
  const storage = join(directory, "storage");
  const file = withAppended(benchPlugin(), FILE_BYTES - benchPlugin().byteLength);
  const digest = sha256(file);
  const folder = new PluginStore(storage, { watchFolder: false });
  folder.upload(file, placeholderSignature(file));
  folder.close();
  await withSharedCopy(storage, directory, async (settings) => {
    const sides = [
      { name: "postgres+s3", server: await startServer("serve-registry.ts", [`shared:${JSON.stringify(settings)}`]) },
      { name: "sqlite+folder", server: await startServer("serve-registry.ts", [storage]) },
    ];
    // From the start: the shared store's first download of a file (hashed on the way) counts too.
    const before = await Promise.all(sides.map(({ server }) => peakMemory(server.pid)));
    const times: number[][] = sides.map(() => []);
    for (let n = 0; n < ROUNDS; n += 1) {
      for (const [index, { server }] of sides.entries()) times[index]?.push(await round(server.url, digest));
    }
    const growth = await Promise.all(
      sides.map(({ server }, index) => peakMemory(server.pid).then((peak) => peak - (before[index] ?? 0))),
    );
    console.log(
      `shared memory benchmark: ${formatBytes(FILE_BYTES)} file, ${CLIENTS} clients at once, ${ROUNDS} interleaved rounds, ` +
        `Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${loadavg()[0]?.toFixed(2)}\n`,
    );
    const [sharedGrowth = 0, embeddedGrowth = 0] = growth;
    const [sharedTimes = [], embeddedTimes = []] = times;
    printTable(
      ["measure", "PostgreSQL + S3", "SQLite + folder", "ratio"],
      [
        ["peak memory growth", formatBytes(sharedGrowth), formatBytes(embeddedGrowth), "–"],
        [
          "round (median)",
          formatDuration(median(sharedTimes)),
          formatDuration(median(embeddedTimes)),
          `${(median(embeddedTimes) / median(sharedTimes)).toFixed(2)}× the folder's throughput`,
        ],
      ],
    );
  });
}

try {
  await main();
} finally {
  cleanUp();
}

/**
 * The shared storage against the embedded one, in the same run: the same 10,000 plugins in a
 * folder (SQLite + files) and, copied by `migrate`, in PostgreSQL + an S3 bucket (a real cluster
 * from Debian's postgresql package and s3rver, on 127.0.0.1), each served by the real app in its
 * own process. wrk drives `GET /plugins`, `GET /plugins/<name>` and a 4 MiB download against both,
 * interleaved rounds, medians. Issue 18's targets: the shared mode at least 0.5× the embedded one.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, printTable } from "../../../tooling/bench/measure.ts";
import { postgresAvailable } from "../../../tooling/testing/postgres.ts";
import { cleanUp, removeAtEnd, startServer } from "./children.ts";
import { fillStorage, PLUGIN_NAME, sha256 } from "./fill-storage.ts";
import { benchPort } from "./listen-port.ts";
import { withSharedCopy } from "./shared-copy.ts";
import { comparisonCells, DURATION, ROUNDS, type Scenario, throughput } from "./throughput.ts";
import { wrkPath } from "./wrk.ts";

const PLUGINS = 10_000;
const TARGET = 0.5;

async function main(): Promise<void> {
  const wrk = wrkPath();
  if (wrk === null || !postgresAvailable()) {
    console.error("shared storage bench: needs wrk and PostgreSQL (Debian packages wrk, postgresql).");
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  const directory = mkdtempSync(join(tmpdir(), "memflow-ts-shared-bench-"));
  removeAtEnd(directory);
  const storage = join(directory, "storage");
  // Five builds of the listed plugin besides the others.
  const { largeDigest, largeBytes } = fillStorage(storage, PLUGINS - 5);
  const started = performance.now();
  await withSharedCopy(storage, directory, async (settings, copied) => {
    if (copied !== PLUGINS) throw new Error(`migrate copied ${copied} of ${PLUGINS} plugins`);
    console.log(
      `started PostgreSQL + s3rver and filled them with ${PLUGINS} plugins by migrate in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const embedded = await startServer("serve-registry.ts", [storage], benchPort(2));
    const sharedServer = await startServer("serve-registry.ts", [`shared:${JSON.stringify(settings)}`], benchPort(3));
    const scenarios: Scenario[] = [
      {
        name: `GET /plugins (${PLUGINS} plugins)`,
        path: "/plugins",
        metric: "requests",
        connections: 32,
        target: TARGET,
      },
      {
        name: `GET /plugins/${PLUGIN_NAME}`,
        path: `/plugins/${PLUGIN_NAME}`,
        metric: "requests",
        connections: 32,
        target: TARGET,
      },
      {
        name: `GET /files/<digest> (${formatBytes(largeBytes)})`,
        path: `/files/${largeDigest}`,
        metric: "bytes",
        connections: 32,
        target: TARGET,
      },
    ];
    // Both must answer alike, or the comparison means nothing.
    for (const scenario of scenarios) {
      const [a, b] = await Promise.all([
        fetch(`${embedded.url}${scenario.path}`),
        fetch(`${sharedServer.url}${scenario.path}`),
      ]);
      const [bytesA, bytesB] = await Promise.all([a.bytes(), b.bytes()]);
      if (a.status !== 200 || b.status !== 200 || Buffer.compare(bytesA, bytesB) !== 0) {
        throw new Error(`${scenario.name}: the two stores do not answer alike (${a.status}, ${b.status})`);
      }
    }
    const download = await (await fetch(`${sharedServer.url}/files/${largeDigest}`)).bytes();
    if (sha256(download) !== largeDigest) throw new Error("the shared store sent the wrong bytes");

    console.log(
      `shared storage benchmark: wrk -t1 -c32 -d${DURATION}, ${ROUNDS} interleaved rounds, Bun ${Bun.version}, ` +
        `${navigator.hardwareConcurrency} cores, load average ${loadavg()[0]?.toFixed(2)}\n`,
    );
    const sides = [
      { name: "postgres+s3", url: sharedServer.url },
      { name: "sqlite+folder", url: embedded.url },
    ];
    const samples = await throughput(wrk, scenarios, sides);
    console.log("");
    printTable(
      [
        "scenario",
        "PostgreSQL + S3 (median, min)",
        "SQLite + folder (median, min)",
        "ratio of medians",
        "target",
        "meets",
      ],
      scenarios.map((scenario, index) => [scenario.name, ...comparisonCells(scenario, samples[index])]),
    );
  });
}

try {
  await main();
} finally {
  cleanUp();
}

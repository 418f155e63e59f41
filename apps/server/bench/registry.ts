/**
 * Load benchmark of the registry over HTTP, driven by wrk: the real app (`createApp` over a
 * `PluginStore` holding a real gcc-built plugin, rebuilt variants of it and 5,000 other plugins)
 * against, in the same run, a bare `Bun.serve` answering the same paths with the same bytes and
 * headers; then the latency of a listing while 20 clients upload 20 MiB plugins, against its
 * latency idle (the server as configured by default, but for 20 uploads in flight instead of 8). Each side runs in its own Bun process so neither shares a JS thread with the
 * other or with this script. Runs are short and interleaved (the machine is shared and noisy);
 * medians are reported.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, median, printTable } from "../../../tooling/bench/measure.ts";
import { DEFAULT_UPLOAD_MIB_PER_SECOND } from "../src/http/upload-rate.ts";
import { cleanUp, Lines, peakMemory, removeAtEnd, startScript, startServer, track } from "./children.ts";
import { fillStorage, PLUGIN_NAME, sha256 } from "./fill-storage.ts";
import { benchPort } from "./listen-port.ts";
import type { BareRoute } from "./serve-bare.ts";
import { comparisonCells, DURATION, ROUNDS, type Scenario, throughput, WARMUP_DURATION } from "./throughput.ts";
import { runWrk, wrkPath } from "./wrk.ts";

const OTHER_PLUGINS = 5_000;
const UPLOAD_LANES = 20;
/** 20 MiB bodies: the file, and the form around it, within the 20 MiB limit. */
const UPLOAD_SIZE = 20 * 1024 * 1024 - 64 * 1024;
/** As the listing's throughput run: the idle p99 (1.24 ms) was measured so. */
const LATENCY_CONNECTIONS = 32;
/** The listing's p99 during the uploads may be at most this many times its p99 idle. */
const LATENCY_TARGET = 5;

/** Headers the bare server repeats: everything but what Bun sets per response or per connection. */
function copiedHeaders(response: Response): Record<string, string> {
  const skipped = new Set(["date", "content-length", "connection", "keep-alive", "transfer-encoding"]);
  return Object.fromEntries([...response.headers].filter(([name]) => !skipped.has(name.toLowerCase())));
}

const formatMs = (ms: number) => `${ms.toFixed(2)} ms`;

/** The bare server, answering every scenario's path with exactly what the registry answered. */
async function startBare(registryUrl: string, scenarios: Scenario[], directory: string) {
  const routes: BareRoute[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const response = await fetch(`${registryUrl}${scenario.path}`);
    if (response.status !== 200) throw new Error(`${scenario.name}: the registry answered ${response.status}`);
    const bodyFile = join(directory, `body-${index}`);
    writeFileSync(bodyFile, new Uint8Array(await response.arrayBuffer()));
    routes.push({ path: scenario.path, bodyFile, headers: copiedHeaders(response), body: scenario.bareBody ?? "text" });
  }
  const routesFile = join(directory, "routes.json");
  writeFileSync(routesFile, JSON.stringify(routes));
  const bare = await startServer("serve-bare.ts", [routesFile], benchPort(1));
  // Same status, content-type and bytes from both, or the comparison means nothing.
  for (const scenario of scenarios) {
    const [fromRegistry, fromBare] = await Promise.all([
      fetch(`${registryUrl}${scenario.path}`),
      fetch(`${bare.url}${scenario.path}`),
    ]);
    const [a, b] = await Promise.all([fromRegistry.bytes(), fromBare.bytes()]);
    const sameType = fromRegistry.headers.get("content-type") === fromBare.headers.get("content-type");
    if (fromBare.status !== 200 || !sameType || Buffer.compare(a, b) !== 0) {
      throw new Error(`${scenario.name}: the bare server does not answer like the registry`);
    }
  }
  return { bare, routes };
}

interface UploadRound {
  idle: number;
  loaded: number;
  answers: Record<string, number>;
  bytesPerSecond: number;
}

/** One wrk run of the listing while `UPLOAD_LANES` clients upload; the uploads' own numbers too. */
async function underUploads(wrk: string, url: string, path: string, duration: string) {
  const load = startScript("upload-load.ts", [url, "t", String(UPLOAD_LANES), String(UPLOAD_SIZE)]);
  const lines = new Lines(load, "upload-load.ts");
  await lines.next();
  const result = await runWrk(
    wrk,
    { url: `${url}${path}`, connections: LATENCY_CONNECTIONS, duration, latency: true },
    track,
  );
  load.stdin.end();
  const report = JSON.parse(await lines.next()) as Omit<UploadRound, "idle" | "loaded">;
  await load.exited;
  return { p99: result.p99Ms ?? Number.NaN, ...report };
}

/** The listing's p99 idle and during the uploads, interleaved rounds; prints each round. */
async function latency(wrk: string, url: string, path: string): Promise<UploadRound[]> {
  const idleRun = () =>
    runWrk(wrk, { url: `${url}${path}`, connections: LATENCY_CONNECTIONS, duration: DURATION, latency: true }, track);
  // Not measured: the first uploads start the server's upload workers.
  await underUploads(wrk, url, path, WARMUP_DURATION);
  const rounds: UploadRound[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const idle = (await idleRun()).p99Ms ?? Number.NaN;
    const loaded = await underUploads(wrk, url, path, DURATION);
    rounds.push({ idle, loaded: loaded.p99, answers: loaded.answers, bytesPerSecond: loaded.bytesPerSecond });
    console.log(
      `  round ${round + 1} GET ${path} p99: idle ${formatMs(idle)}, during uploads ${formatMs(loaded.p99)} ` +
        `(${(loaded.p99 / idle).toFixed(2)}×); uploads received ${formatBytes(loaded.bytesPerSecond)}/s, ` +
        `answers ${JSON.stringify(loaded.answers)}`,
    );
  }
  return rounds;
}

async function main(): Promise<void> {
  const wrk = wrkPath();
  if (wrk === null) {
    console.error(
      "registry bench: wrk was not found on PATH. Install the Debian package `wrk` (apt-get install wrk) and run again.",
    );
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  const directory = mkdtempSync(join(tmpdir(), "memflow-ts-registry-bench-"));
  removeAtEnd(directory);
  const storage = join(directory, "storage");
  const { largeDigest, largeBytes } = fillStorage(storage, OTHER_PLUGINS);
  const listingPath = `/plugins/${PLUGIN_NAME}`;
  const scenarios: Scenario[] = [
    {
      name: `GET ${listingPath}`,
      path: listingPath,
      metric: "requests",
      connections: 32,
      target: 0.6,
      // A cached string (http/response-cache.ts).
      bareBody: "text",
    },
    {
      name: `GET /files/<digest> (${formatBytes(largeBytes)})`,
      path: `/files/${largeDigest}`,
      metric: "bytes",
      connections: 32,
      target: 0.8,
      // A cached Blob (http/file-cache.ts).
      bareBody: "blob",
    },
    {
      name: `GET /health (${OTHER_PLUGINS + 5} plugins)`,
      path: "/health",
      metric: "requests",
      connections: 32,
      target: 0.5,
      // Response.json("Ok") per request.
      bareBody: "json",
    },
  ];

  const registry = await startServer("serve-registry.ts", [storage, String(UPLOAD_LANES)], benchPort(0));
  const { bare, routes } = await startBare(registry.url, scenarios, directory);
  const download = await (await fetch(`${registry.url}/files/${largeDigest}`)).bytes();
  if (sha256(download) !== largeDigest) throw new Error("the registry sent the wrong bytes");
  const listing = JSON.parse(readFileSync(routes[0]?.bodyFile ?? "", "utf8")) as { plugins: unknown[] };
  if (listing.plugins.length !== 5)
    throw new Error(`expected 5 variants, the registry listed ${listing.plugins.length}`);

  console.log(
    `registry load benchmark: wrk -t1 -c<connections> -d${DURATION}, ${ROUNDS} interleaved rounds, ` +
      `Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${loadavg()[0]?.toFixed(2)}\n` +
      `${OTHER_PLUGINS + 5} plugins stored; GET ${listingPath} lists ${listing.plugins.length} variants ` +
      `(${formatBytes(readFileSync(routes[0]?.bodyFile ?? "").byteLength)} of JSON)\n`,
  );
  const sides = [
    { name: "registry", url: registry.url },
    { name: "bare", url: bare.url },
  ];
  const samples = await throughput(wrk, scenarios, sides);
  const memoryBefore = await peakMemory(registry.pid);
  console.log(
    `\nGET ${listingPath} with wrk -c${LATENCY_CONNECTIONS} --latency, idle and while ${UPLOAD_LANES} clients ` +
      `upload ${formatBytes(UPLOAD_SIZE)} plugins (up to ${UPLOAD_LANES} uploads in flight, the default ` +
      `${DEFAULT_UPLOAD_MIB_PER_SECOND} MiB/s upload rate):`,
  );
  const rounds = await latency(wrk, registry.url, listingPath);
  const memoryAfter = await peakMemory(registry.pid);
  console.log("");

  printTable(
    [
      "scenario",
      "connections",
      "registry (median, min)",
      "bare Bun.serve (median, min)",
      "registry / bare (medians)",
      "target",
      "meets",
    ],
    scenarios.map((scenario, index) => [
      scenario.name,
      String(scenario.connections),
      ...comparisonCells(scenario, samples[index]),
    ]),
  );
  console.log("");
  const idle = median(rounds.map((round) => round.idle));
  const loaded = median(rounds.map((round) => round.loaded));
  printTable(
    ["scenario", "p99 idle (median)", "p99 during uploads (median)", "during / idle", "target", "meets"],
    [
      [
        `GET ${listingPath}, ${UPLOAD_LANES} × ${formatBytes(UPLOAD_SIZE)} uploads`,
        formatMs(idle),
        formatMs(loaded),
        `${(loaded / idle).toFixed(2)}× (per round: ${rounds.map((r) => (r.loaded / r.idle).toFixed(2)).join(", ")})`,
        `≤ ${LATENCY_TARGET}×`,
        loaded / idle <= LATENCY_TARGET ? "yes" : "NO",
      ],
    ],
  );
  console.log(
    `\nregistry peak RSS: ${formatBytes(memoryBefore)} before the uploads, ${formatBytes(memoryAfter)} after them`,
  );
}

try {
  await main();
} finally {
  cleanUp();
}

/**
 * Load benchmark of the registry over HTTP, driven by wrk: the real app (`createApp` over a
 * `PluginStore` holding a real gcc-built plugin and rebuilt variants of it) against, in the same
 * run, a bare `Bun.serve` answering the same paths with the same bytes and headers. Each side
 * runs in its own Bun process so neither shares a JS thread with the other or with this script.
 * Runs are short and interleaved (the machine is shared and noisy); medians are reported.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { formatBytes, median, printTable } from "../../../tooling/bench/measure.ts";
import { withValidPluginNames } from "../../../tooling/testing/valid-plugin-names.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import type { BareRoute } from "./serve-bare.ts";

const here = import.meta.dir;
const FIXTURE = join(here, "../../../packages/analyzer/test/fixtures/elf/x86_64-gcc.so");
/** The fixture says gcc-x86_64, which uploads refuse (memflow's plugin-name rule): it is renamed in place. */
const PLUGIN_NAME = "gcc_x86_64";
const LARGE_EXTRA = 4 * 1024 * 1024;
const ROUNDS = 3;
const DURATION = "3s";
const WARMUP_DURATION = "1s";

interface Scenario {
  name: string;
  path: string;
  metric: "requests" | "bytes";
  connections: number;
  /** The registry's value over the bare server's must be at least this. */
  target: number;
}

interface WrkResult {
  requestsPerSecond: number;
  bytesPerSecond: number;
}

// --- wrk -------------------------------------------------------------------------------------

function wrkPath(): string | null {
  return Bun.which("wrk");
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Reads wrk's summary lines; wrk's KB/MB/GB are powers of 1024. */
function parseWrk(output: string): WrkResult {
  const requests = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(output);
  const transfer = /^Transfer\/sec:\s+([\d.]+)([KMGT]?B)\s*$/m.exec(output);
  if (!requests?.[1] || !transfer?.[1] || !transfer[2]) throw new Error(`cannot read wrk's output:\n${output}`);
  const problems = [/^\s*Non-2xx or 3xx responses: .*$/m, /^\s*Socket errors: .*$/m]
    .map((pattern) => pattern.exec(output)?.[0]?.trim())
    .filter((line) => line !== undefined);
  // Timeouts alone are reported but tolerated; refused/failed responses invalidate the run.
  const fatal = problems.filter((line) => !/^Socket errors: connect 0, read 0, write 0, timeout \d+$/.test(line));
  if (fatal.length > 0) throw new Error(`wrk saw failures:\n${output}`);
  return {
    requestsPerSecond: Number(requests[1]),
    bytesPerSecond: Number(transfer[1]) * (UNITS[transfer[2]] ?? Number.NaN),
  };
}

async function runWrk(wrk: string, url: string, connections: number, duration: string): Promise<WrkResult> {
  const child = Bun.spawn([wrk, "-t1", `-c${connections}`, `-d${duration}`, url], { stdout: "pipe", stderr: "pipe" });
  children.add(child);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  children.delete(child);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr}${stdout}`);
  return parseWrk(stdout);
}

// --- child processes and clean-up ------------------------------------------------------------

const children = new Set<Subprocess>();
let directory: string | undefined;

function cleanUp(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

/** Starts `bench/<script>` in its own Bun process and resolves with the base URL it prints. */
async function startServer(script: string, argument: string): Promise<{ url: string; child: Subprocess }> {
  // stdin stays an open pipe: the child exits when it closes, should this process die unannounced.
  const child = Bun.spawn([process.execPath, join(here, script), argument], {
    cwd: join(here, ".."),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  children.add(child);
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${script} exited before printing its port (exit code ${await child.exited})`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timeout);
    reader.releaseLock();
  }
  const port = Number(text.trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${script} printed ${JSON.stringify(text)}, not a port`);
  return { url: `http://127.0.0.1:${port}`, child };
}

// --- the plugin files --------------------------------------------------------------------------

/** The plugin with `n` bytes appended: the same descriptor under another digest, as a rebuild gives. */
function withAppended(file: Uint8Array, n: number): Uint8Array {
  const copy = new Uint8Array(file.byteLength + n);
  copy.set(file);
  copy.fill(0x5a, file.byteLength);
  return copy;
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** Not verified (the store has no key), but as long as a real DER signature, so the JSON is realistic. */
function placeholderSignature(file: Uint8Array): string {
  const r = sha256(file);
  const s = sha256(new TextEncoder().encode(r));
  return `30440220${r}0220${s}`.toUpperCase();
}

/** Headers the bare server repeats: everything but what Bun sets per response or per connection. */
function copiedHeaders(response: Response): Record<string, string> {
  const skipped = new Set(["date", "content-length", "connection", "keep-alive", "transfer-encoding"]);
  return Object.fromEntries([...response.headers].filter(([name]) => !skipped.has(name.toLowerCase())));
}

function formatRate(scenario: Scenario, value: number): string {
  return scenario.metric === "requests"
    ? `${Math.round(value).toLocaleString("en-US")} req/s`
    : `${formatBytes(value)}/s`;
}

// --- the benchmark -------------------------------------------------------------------------

async function main(): Promise<void> {
  const wrk = wrkPath();
  if (wrk === null) {
    console.error(
      "registry bench: wrk was not found on PATH. Install the Debian package `wrk` (apt-get install wrk) and run again.",
    );
    process.exit(process.env.CI === "true" ? 1 : 0);
  }

  directory = mkdtempSync(join(tmpdir(), "memflow-ts-registry-bench-"));
  const storage = join(directory, "storage");

  // Fill the storage folder, then close it: the registry process opens it as `main.ts` would.
  const plugin = withValidPluginNames(new Uint8Array(readFileSync(FIXTURE)), ["gcc-x86_64"]);
  const large = withAppended(plugin, LARGE_EXTRA);
  const files = [plugin, withAppended(plugin, 1), withAppended(plugin, 2), withAppended(plugin, 3), large];
  const store = new PluginStore(storage);
  try {
    for (const file of files) {
      const result = store.upload(file, placeholderSignature(file));
      if (result !== "Added") throw new Error(`upload of a ${file.byteLength}-byte variant: ${result}`);
    }
  } finally {
    store.close();
  }
  const largeDigest = sha256(large);

  const scenarios: Scenario[] = [
    {
      name: `GET /plugins/${PLUGIN_NAME}`,
      path: `/plugins/${PLUGIN_NAME}`,
      metric: "requests",
      connections: 32,
      target: 0.6,
    },
    {
      name: `GET /files/<digest> (${formatBytes(large.byteLength)})`,
      path: `/files/${largeDigest}`,
      metric: "bytes",
      connections: 32,
      target: 0.8,
    },
  ];

  const registry = await startServer("serve-registry.ts", storage);

  // The bare server answers with exactly what the registry answered, read once.
  const bareRoutes: BareRoute[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const response = await fetch(`${registry.url}${scenario.path}`);
    if (response.status !== 200) throw new Error(`${scenario.name}: the registry answered ${response.status}`);
    const body = new Uint8Array(await response.arrayBuffer());
    const bodyFile = join(directory, `body-${index}`);
    writeFileSync(bodyFile, body);
    bareRoutes.push({ path: scenario.path, bodyFile, headers: copiedHeaders(response) });
  }
  const listing = JSON.parse(readFileSync(bareRoutes[0]?.bodyFile ?? "", "utf8")) as { plugins: unknown[] };
  if (listing.plugins.length !== 5)
    throw new Error(`expected 5 variants, the registry listed ${listing.plugins.length}`);
  const routesFile = join(directory, "routes.json");
  writeFileSync(routesFile, JSON.stringify(bareRoutes));
  const bare = await startServer("serve-bare.ts", routesFile);

  // Same status, content-type and bytes from both, or the comparison means nothing.
  for (const [index, scenario] of scenarios.entries()) {
    const [fromRegistry, fromBare] = await Promise.all([
      fetch(`${registry.url}${scenario.path}`),
      fetch(`${bare.url}${scenario.path}`),
    ]);
    const [a, b] = await Promise.all([fromRegistry.bytes(), fromBare.bytes()]);
    const sameType = fromRegistry.headers.get("content-type") === fromBare.headers.get("content-type");
    if (fromBare.status !== 200 || !sameType || Buffer.compare(a, b) !== 0) {
      throw new Error(`${scenario.name}: the bare server does not answer like the registry`);
    }
    if (index === 1 && sha256(a) !== largeDigest) throw new Error(`${scenario.name}: wrong bytes downloaded`);
  }

  console.log(
    `registry load benchmark: wrk -t1 -c<connections> -d${DURATION}, ${ROUNDS} interleaved rounds, ` +
      `Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${loadavg()[0]?.toFixed(2)}\n` +
      `GET /plugins/${PLUGIN_NAME} lists ${listing.plugins.length} variants (${formatBytes(readFileSync(bareRoutes[0]?.bodyFile ?? "").byteLength)} of JSON)\n`,
  );

  const sides: { name: "registry" | "bare"; url: string }[] = [
    { name: "registry", url: registry.url },
    { name: "bare", url: bare.url },
  ];
  const value = (scenario: Scenario, result: WrkResult) =>
    scenario.metric === "requests" ? result.requestsPerSecond : result.bytesPerSecond;
  const samples = scenarios.map(() => ({ registry: [] as number[], bare: [] as number[], ratios: [] as number[] }));

  for (const scenario of scenarios) {
    for (const side of sides) await runWrk(wrk, `${side.url}${scenario.path}`, scenario.connections, WARMUP_DURATION);
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, scenario] of scenarios.entries()) {
      // Alternate which side goes first, so neither always runs right after the other's load.
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const measured: Record<string, number> = {};
      for (const side of order) {
        measured[side.name] = value(
          scenario,
          await runWrk(wrk, `${side.url}${scenario.path}`, scenario.connections, DURATION),
        );
      }
      const registryValue = measured.registry ?? Number.NaN;
      const bareValue = measured.bare ?? Number.NaN;
      const sample = samples[index];
      sample?.registry.push(registryValue);
      sample?.bare.push(bareValue);
      sample?.ratios.push(registryValue / bareValue);
      console.log(
        `  round ${round + 1} ${scenario.name}: registry ${formatRate(scenario, registryValue)}, ` +
          `bare ${formatRate(scenario, bareValue)} (${(registryValue / bareValue).toFixed(2)}×)`,
      );
    }
  }
  console.log("");

  printTable(
    ["scenario", "connections", "registry (median)", "bare Bun.serve (median)", "registry / bare", "target", "meets"],
    scenarios.map((scenario, index) => {
      const sample = samples[index] ?? { registry: [], bare: [], ratios: [] };
      const ratio = median(sample.registry) / median(sample.bare);
      return [
        scenario.name,
        String(scenario.connections),
        formatRate(scenario, median(sample.registry)),
        formatRate(scenario, median(sample.bare)),
        `${ratio.toFixed(2)}× (per round: ${sample.ratios.map((r) => r.toFixed(2)).join(", ")})`,
        `≥ ${scenario.target.toFixed(1)}×`,
        ratio >= scenario.target ? "yes" : "NO",
      ];
    }),
  );
}

try {
  await main();
} finally {
  cleanUp();
}

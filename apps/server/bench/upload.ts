/**
 * Uploads: the registry's `POST /files` (the real app over an embedded storage folder, every
 * check it runs on an upload, with no upload rate limit) against, in the same run, the minimal
 * pipeline (serve-minimal-upload.ts: formData, sha256, one fsync, rename), each in its own Bun
 * process. A few clients upload new builds of a real gcc-built plugin (random bytes appended, so
 * every upload is stored and its body holds CRs and dashes like any binary), interleaved rounds,
 * medians and minimums. Then `strace -f -y` on each server counts its fsyncs per upload, by what
 * they flushed (the file, the folder, the `.meta`, the index), and its opens.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatBytes, median, printTable } from "../../../tooling/bench/measure.ts";
import { cleanUp, removeAtEnd, startServer, track } from "./children.ts";
import { benchPlugin, placeholderSignature } from "./fill-storage.ts";
import { benchPort } from "./listen-port.ts";

const UPLOAD_SIZE = 8 * 1024 * 1024;
/** One client (each upload's latency, fsyncs included, counts whole) and four (uploads overlap). */
const LANE_COUNTS = [1, 4];
const LANES = Math.max(...LANE_COUNTS);
const UPLOADS_PER_ROUND = 24;
const ROUNDS = 5;
const COUNTED_UPLOADS = 16;
const TARGET = 0.8;

/** A plugin grown to `size` with random bytes; its last 16 bytes are rewritten per upload. */
function uploadFile(size: number): Uint8Array {
  const plugin = benchPlugin();
  const file = new Uint8Array(size);
  file.set(plugin);
  for (let at = plugin.byteLength; at < size; at += 65536) {
    crypto.getRandomValues(file.subarray(at, Math.min(size, at + 65536)));
  }
  return file;
}

const files = Array.from({ length: LANES }, () => uploadFile(UPLOAD_SIZE));
let uploadCounter = 0;

/** `count` uploads over `lanes` clients; throws unless every answer is "Added". Resolves with the seconds taken. */
async function uploads(url: string, count: number, lanes = LANES): Promise<number> {
  let left = count;
  const lane = async (file: Uint8Array) => {
    const counter = new DataView(file.buffer, file.byteLength - 16);
    while (left > 0) {
      left -= 1;
      counter.setFloat64(0, process.pid);
      counter.setFloat64(8, uploadCounter++);
      const form = new FormData();
      form.append("file", new Blob([file]), "plugin.so");
      form.append("signature", placeholderSignature(file));
      const response = await fetch(`${url}/files`, {
        method: "POST",
        body: form,
        headers: { authorization: "Bearer t" },
      });
      const answer = await response.text();
      if (response.status !== 200 || answer !== '"Added"') {
        throw new Error(`${url} answered an upload with ${response.status} ${answer}`);
      }
    }
  };
  const started = Bun.nanoseconds();
  await Promise.all(files.slice(0, lanes).map(lane));
  return (Bun.nanoseconds() - started) / 1e9;
}

/** What an fsync flushed, by its descriptor's path (strace -y): the upload's file, the folder, its `.meta`, the index. */
type FsyncTarget = "file" | "folder" | "meta" | "index";
const FSYNC_TARGETS: readonly FsyncTarget[] = ["file", "folder", "meta", "index"];
const FSYNC_LABELS: Record<FsyncTarget, string> = {
  file: "the file (.plugin)",
  folder: "the folder",
  meta: "the .meta",
  index: "the index (SQLite)",
};

function fsyncTarget(path: string): FsyncTarget {
  if (/\.sqlite(-wal|-journal|-shm)?$/.test(path)) return "index";
  if (/\.meta$/.test(path)) return "meta";
  try {
    if (statSync(path).isDirectory()) return "folder";
  } catch {
    // Gone since (a temporary file renamed away): not a folder.
  }
  return "file";
}

/** The fsyncs (by what they flushed) and opens in an `strace -f -y` log; a call split across threads counts once. */
function syscallCounts(log: string): { fsyncs: Map<FsyncTarget, number>; opens: number } {
  const fsyncs = new Map<FsyncTarget, number>();
  let opens = 0;
  for (const line of log.split("\n")) {
    // `<pid> fsync(<fd></path>) = 0`, or `… <unfinished ...>` where another thread's call came between.
    const fsync = /\b(?:fsync|fdatasync)\(\d+<([^>]*)>/.exec(line);
    if (fsync?.[1] !== undefined) {
      const target = fsyncTarget(fsync[1]);
      fsyncs.set(target, (fsyncs.get(target) ?? 0) + 1);
    } else if (/\bopen(at)?\(/.test(line)) opens += 1;
  }
  return { fsyncs, opens };
}

/** fsyncs (fsync and fdatasync, by what they flushed) and opens per upload of the server `pid`, over COUNTED_UPLOADS. */
async function countSyscalls(pid: number, url: string, directory: string) {
  const output = join(directory, `strace-${pid}.txt`);
  const strace = Bun.spawn(
    ["strace", "-f", "-y", "-p", String(pid), "-e", "trace=fsync,fdatasync,open,openat", "-o", output],
    { stdout: "ignore", stderr: "pipe" },
  );
  const untrack = track(strace);
  // strace says so on stderr once it has attached the process's threads.
  const reader = strace.stderr.getReader();
  let said = "";
  while (!said.includes("attached")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`strace could not attach to ${pid}: ${said}`);
    said += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  await uploads(url, COUNTED_UPLOADS);
  strace.kill("SIGINT");
  await strace.exited;
  untrack();
  const { fsyncs, opens } = syscallCounts(readFileSync(output, "utf8"));
  const perUpload = (count: number) => count / COUNTED_UPLOADS;
  return {
    fsyncs: perUpload([...fsyncs.values()].reduce((sum, count) => sum + count, 0)),
    byTarget: FSYNC_TARGETS.map((target) => perUpload(fsyncs.get(target) ?? 0)),
    opens: perUpload(opens),
  };
}

const mibPerSecond = (seconds: number) => (UPLOADS_PER_ROUND * UPLOAD_SIZE) / seconds / 1024 / 1024;
const formatRate = (values: number[]) => `${median(values).toFixed(1)} MiB/s (min ${Math.min(...values).toFixed(1)})`;

/** The registry's upload rate against the minimal pipeline's with `lanes` clients, interleaved rounds; a table row. */
async function compare(sides: { name: string; url: string }[], lanes: number): Promise<string[]> {
  const rates = sides.map(() => [] as number[]);
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which side goes first, so neither always runs right after the other.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const measured: number[] = [];
    for (const index of order) {
      measured[index] = mibPerSecond(await uploads(sides[index]?.url ?? "", UPLOADS_PER_ROUND, lanes));
      rates[index]?.push(measured[index] ?? Number.NaN);
    }
    const [ours = Number.NaN, baseline = Number.NaN] = measured;
    ratios.push(ours / baseline);
    console.log(
      `  ${lanes} client(s), round ${round + 1}: registry ${ours.toFixed(1)} MiB/s, minimal pipeline ` +
        `${baseline.toFixed(1)} MiB/s (${(ours / baseline).toFixed(2)}×)`,
    );
  }
  const ratio = median(rates[0] ?? []) / median(rates[1] ?? []);
  return [
    `POST /files, ${lanes} client${lanes === 1 ? "" : "s"} × ${formatBytes(UPLOAD_SIZE)}`,
    formatRate(rates[0] ?? []),
    formatRate(rates[1] ?? []),
    `${ratio.toFixed(2)}× (per round: ${ratios.map((r) => r.toFixed(2)).join(", ")})`,
    `≥ ${TARGET.toFixed(1)}×`,
    ratio >= TARGET ? "yes" : "NO",
  ];
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "memflow-ts-upload-bench-"));
  removeAtEnd(directory);
  const minimalFolder = join(directory, "minimal");
  mkdirSync(minimalFolder);
  const registry = await startServer(
    "serve-registry.ts",
    [join(directory, "registry"), String(LANES), "0"],
    benchPort(4),
  );
  const minimal = await startServer("serve-minimal-upload.ts", [minimalFolder], benchPort(5));
  const sides = [
    { name: "registry", ...registry },
    { name: "minimal pipeline", ...minimal },
  ];
  console.log(
    `upload benchmark: ${LANE_COUNTS.join(" and ")} clients, ${UPLOADS_PER_ROUND} uploads of ${formatBytes(UPLOAD_SIZE)} a round, ` +
      `${ROUNDS} interleaved rounds, Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ` +
      `load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  // Not measured: the first uploads start the registry's upload workers and warm both up.
  for (const side of sides) await uploads(side.url, LANES * 2);
  const rows: string[][] = [];
  for (const lanes of LANE_COUNTS) rows.push(await compare(sides, lanes));
  const strace = Bun.which("strace");
  const counted: Awaited<ReturnType<typeof countSyscalls>>[] = [];
  // One server at a time, after the timed rounds: strace slows what it traces.
  if (strace !== null) for (const side of sides) counted.push(await countSyscalls(side.pid, side.url, directory));
  console.log("");
  printTable(
    ["scenario", "registry (median, min)", "minimal pipeline (median, min)", "registry / minimal", "target", "meets"],
    rows,
  );
  console.log("");
  if (strace === null) {
    console.log("fsyncs and opens per upload: not counted, strace is missing (Debian package strace).");
    return;
  }
  printTable(
    [
      `per upload (strace -f -y, over ${COUNTED_UPLOADS} uploads)`,
      "fsync + fdatasync",
      ...FSYNC_TARGETS.map((target) => `of which ${FSYNC_LABELS[target]}`),
      "open + openat",
    ],
    sides.map((side, index) => [
      side.name,
      (counted[index]?.fsyncs ?? Number.NaN).toFixed(2),
      ...FSYNC_TARGETS.map((_, at) => (counted[index]?.byTarget[at] ?? Number.NaN).toFixed(2)),
      (counted[index]?.opens ?? Number.NaN).toFixed(2),
    ]),
  );
}

try {
  await main();
} finally {
  cleanUp();
}

/**
 * wrk, the load generator of the registry benchmark: where it is, how it is run, and what its
 * summary says (requests and bytes per second, the 99th percentile of latency with --latency).
 */
import type { Subprocess } from "bun";

export interface WrkResult {
  requestsPerSecond: number;
  bytesPerSecond: number;
  /** In milliseconds; present when wrk ran with --latency. */
  p99Ms: number | undefined;
}

export function wrkPath(): string | null {
  return Bun.which("wrk");
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Reads wrk's summary lines; wrk's KB/MB/GB are powers of 1024. */
export function parseWrk(output: string): WrkResult {
  const requests = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(output);
  const transfer = /^Transfer\/sec:\s+([\d.]+)([KMGT]?B)\s*$/m.exec(output);
  if (!requests?.[1] || !transfer?.[1] || !transfer[2]) throw new Error(`cannot read wrk's output:\n${output}`);
  const problems = [/^\s*Non-2xx or 3xx responses: .*$/m, /^\s*Socket errors: .*$/m]
    .map((pattern) => pattern.exec(output)?.[0]?.trim())
    .filter((line) => line !== undefined);
  // Timeouts alone are reported but tolerated; refused/failed responses invalidate the run.
  const fatal = problems.filter((line) => !/^Socket errors: connect 0, read 0, write 0, timeout \d+$/.test(line));
  if (fatal.length > 0) throw new Error(`wrk saw failures:\n${output}`);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  return {
    requestsPerSecond: Number(requests[1]),
    bytesPerSecond: Number(transfer[1]) * (UNITS[transfer[2]] ?? Number.NaN),
    p99Ms: p99?.[1] && p99[2] ? Number(p99[1]) * (TIME_UNITS[p99[2]] ?? Number.NaN) : undefined,
  };
}

export interface WrkRun {
  url: string;
  connections: number;
  duration: string;
  latency?: boolean;
}

/** Runs wrk once (one thread); `track` sees the child, so a signal can stop it. */
export async function runWrk(wrk: string, run: WrkRun, track: (child: Subprocess) => () => void): Promise<WrkResult> {
  const args = [
    wrk,
    "-t1",
    `-c${run.connections}`,
    `-d${run.duration}`,
    ...(run.latency ? ["--latency"] : []),
    run.url,
  ];
  const child = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const untrack = track(child);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  untrack();
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr}${stdout}`);
  return parseWrk(stdout);
}

/**
 * Start-up timing by spawning: each command runs once a round, the rounds interleaved so that a
 * noisy shared machine slows every command alike, and two unmeasured rounds first (caches,
 * the plugin shim). Ratios are taken per round, then their median, which cancels most noise.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "../../../tooling/bench/measure.ts";

export interface BenchFolders {
  readonly root: string;
  readonly home: string;
  /** An empty working directory, so the scan of `.` finds nothing. */
  readonly cwd: string;
  /** This checkout's `memflow-ts`. */
  readonly main: string;
}

/** Runs `bench` in a temporary folder with a home and a working directory, removed afterwards. */
export async function inSandbox(name: string, bench: (folders: BenchFolders) => unknown): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), `memflow-ts-${name}-`));
  try {
    const cwd = join(root, "cwd");
    mkdirSync(cwd, { recursive: true });
    await bench({ root, home: join(root, "home"), cwd, main: join(import.meta.dir, "..", "src", "main.ts") });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface SpawnRounds {
  /** Wall times in ms, per command, per measured round. */
  readonly times: readonly (readonly number[])[];
  /** The median of `times[index]`. */
  medianOf(index: number): number;
  /** The median over rounds of command `index`'s time divided by command `baseline`'s. */
  ratioTo(index: number, baseline: number): number;
}

export function spawnRounds(
  commands: readonly (readonly string[])[],
  rounds: number,
  options: { cwd: string; env: Record<string, string> },
): SpawnRounds {
  const times = commands.map(() => [] as number[]);
  for (let round = -2; round < rounds; round += 1) {
    for (const [index, argv] of commands.entries()) {
      const started = Bun.nanoseconds();
      Bun.spawnSync([...argv], { ...options, stdout: "pipe", stderr: "pipe" });
      if (round >= 0) times[index]?.push((Bun.nanoseconds() - started) / 1e6);
    }
  }
  return {
    times,
    medianOf: (index) => median(times[index] ?? []),
    ratioTo: (index, baseline) =>
      median((times[index] ?? []).map((time, round) => time / (times[baseline]?.[round] ?? Number.NaN))),
  };
}

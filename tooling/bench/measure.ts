/**
 * Small helpers for benchmarks (`bench/*.ts` in each package): repeat, take medians, print a
 * table with the baseline beside the measured value. Machines here are shared and noisy, so
 * benchmarks interleave the two sides and report medians and ratios.
 */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median wall time of `run` in milliseconds over `samples` runs, after `warmup` unmeasured ones. */
export async function timeMedian(run: () => unknown, samples: number, warmup = 1): Promise<number> {
  for (let index = 0; index < warmup; index += 1) await run();
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const started = Bun.nanoseconds();
    await run();
    times.push((Bun.nanoseconds() - started) / 1e6);
  }
  return median(times);
}

/** One operation's times over interleaved rounds, in ms. */
export interface RoundStats {
  readonly median: number;
  readonly min: number;
}

/**
 * Runs `operations` back to back, `rounds` times, interleaved; returns each one's median and
 * minimum in ms. A full garbage collection runs before each (untimed), so no side pays for the
 * other's garbage.
 */
export async function interleavedRounds(
  operations: readonly (() => unknown)[],
  rounds: number,
  warmupRounds = 1,
): Promise<RoundStats[]> {
  const times = operations.map(() => [] as number[]);
  for (let round = 0; round < warmupRounds; round += 1) {
    for (const operation of operations) await operation();
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, operation] of operations.entries()) {
      Bun.gc(true);
      const started = Bun.nanoseconds();
      await operation();
      times[index]?.push((Bun.nanoseconds() - started) / 1e6);
    }
  }
  return times.map((values) => ({ median: median(values), min: Math.min(...values) }));
}

/** The medians of `interleavedRounds`. */
export async function interleavedMedians(
  operations: readonly (() => unknown)[],
  rounds: number,
  warmupRounds = 1,
): Promise<number[]> {
  return (await interleavedRounds(operations, rounds, warmupRounds)).map((stats) => stats.median);
}

export function formatDuration(ms: number): string {
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** Prints rows as a Markdown table, so the output can go straight into a README. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  console.log(line(headers));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  for (const row of rows) console.log(line(row));
}

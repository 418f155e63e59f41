/** Throughput of two servers on the same paths with wrk, in interleaved rounds (registry.ts, shared.ts). */
import { formatBytes, median } from "../../../tooling/bench/measure.ts";
import { track } from "./children.ts";
import type { BareBody } from "./serve-bare.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

export const ROUNDS = 3;
export const DURATION = "3s";
export const WARMUP_DURATION = "1s";

export interface Scenario {
  name: string;
  path: string;
  metric: "requests" | "bytes";
  connections: number;
  /** The registry's value over the bare server's must be at least this. */
  target: number;
  /** How the bare baseline (registry.ts) makes the body: as the registry does for this path. */
  bareBody?: BareBody;
}

export function formatRate(scenario: Scenario, value: number): string {
  return scenario.metric === "requests"
    ? `${Math.round(value).toLocaleString("en-US")} req/s`
    : `${formatBytes(value)}/s`;
}

/** A side's rounds as the tables show them: the median, and the slowest round. */
export function formatRounds(scenario: Scenario, values: readonly number[]): string {
  return `${formatRate(scenario, median(values))} (min ${formatRate(scenario, Math.min(...values))})`;
}

/** One scenario's rounds: the first side's (`registry`), the baseline's (`bare`), and their ratio per round. */
export interface ThroughputSample {
  registry: number[];
  bare: number[];
  ratios: number[];
}

/** A table's comparison cells for a scenario: each side's rounds, the ratio of medians, the target, met or not. */
export function comparisonCells(scenario: Scenario, sample: ThroughputSample | undefined): string[] {
  const { registry, bare, ratios } = sample ?? { registry: [], bare: [], ratios: [] };
  const ratio = median(registry) / median(bare);
  return [
    formatRounds(scenario, registry),
    formatRounds(scenario, bare),
    `${ratio.toFixed(2)}× (per round: ${ratios.map((r) => r.toFixed(2)).join(", ")})`,
    `≥ ${scenario.target.toFixed(1)}×`,
    ratio >= scenario.target ? "yes" : "NO",
  ];
}

export /**
 * The first side's throughput against the second's (the baseline), interleaved rounds; prints
 * each round. The samples keep the names `registry` (first) and `bare` (second).
 */
async function throughput(wrk: string, scenarios: Scenario[], sides: { name: string; url: string }[]) {
  const value = (scenario: Scenario, result: WrkResult) =>
    scenario.metric === "requests" ? result.requestsPerSecond : result.bytesPerSecond;
  const samples: ThroughputSample[] = scenarios.map(() => ({ registry: [], bare: [], ratios: [] }));
  for (const scenario of scenarios) {
    for (const side of sides) {
      await runWrk(
        wrk,
        { url: `${side.url}${scenario.path}`, connections: scenario.connections, duration: WARMUP_DURATION },
        track,
      );
    }
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, scenario] of scenarios.entries()) {
      // Alternate which side goes first, so neither always runs right after the other's load.
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const measured: Record<string, number> = {};
      for (const side of order) {
        const run = { url: `${side.url}${scenario.path}`, connections: scenario.connections, duration: DURATION };
        measured[side.name] = value(scenario, await runWrk(wrk, run, track));
      }
      const registryValue = measured[sides[0]?.name ?? ""] ?? Number.NaN;
      const bareValue = measured[sides[1]?.name ?? ""] ?? Number.NaN;
      samples[index]?.registry.push(registryValue);
      samples[index]?.bare.push(bareValue);
      samples[index]?.ratios.push(registryValue / bareValue);
      console.log(
        `  round ${round + 1} ${scenario.name}: ${sides[0]?.name} ${formatRate(scenario, registryValue)}, ` +
          `${sides[1]?.name} ${formatRate(scenario, bareValue)} (${(registryValue / bareValue).toFixed(2)}×)`,
      );
    }
  }
  return samples;
}

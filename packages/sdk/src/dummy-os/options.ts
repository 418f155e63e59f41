/**
 * The dummy OS's arguments (native/dummy-os.md "Arguments and memory"): `size` in memflow's size
 * syntax, `procs` 0 to 4096 and `seed` any u64, decimal or hex after `0x`, with the native
 * plugin's errors: a bad size is memflow's `parse_size` error, anything else (ArgsValidator, …).
 */
import { ArgsValidator, type OsArgs } from "@memflow-ts/core";
import { parseSizeArgument } from "../size-argument.ts";

const U64_MAX = (1n << 64n) - 1n;
export const MAX_PROCESSES = 4096;

/** A whole decimal number, or hex after 0x; undefined for anything else or an overflow of u64. */
export function parseDummyNumber(text: string): bigint | undefined {
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return undefined;
  const value = BigInt(text.toLowerCase().startsWith("0x") ? `0x${text.slice(2)}` : text);
  return value <= U64_MAX ? value : undefined;
}

export const dummyOsArgs = new ArgsValidator()
  .arg({
    name: "size",
    description:
      "the physical memory to lay out in, memflow's size syntax (default: all of the input, or 2m of its own)",
  })
  .arg({
    name: "procs",
    description: "how many processes, decimal (default 1)",
    validator: (value) => {
      const procs = parseDummyNumber(value);
      return procs !== undefined && procs <= BigInt(MAX_PROCESSES) ? undefined : `0 to ${MAX_PROCESSES} processes`;
    },
  })
  .arg({
    name: "seed",
    description: "the layout's seed, decimal or 0x hex (default 1)",
    validator: (value) => (parseDummyNumber(value) === undefined ? "a u64, decimal or hex after 0x" : undefined),
  });

export interface DummyOsOptions {
  /** The `size` text, when given. */
  readonly sizeText: string | undefined;
  /** Parsed `size`, undefined when not given. */
  readonly size: bigint | undefined;
  readonly procs: number;
  readonly seed: bigint;
}

/** The options from arguments `dummyOsArgs` has already validated. */
export function dummyOsOptions(args: OsArgs): DummyOsOptions {
  const extra = args.extraArgs;
  const sizeText = extra.get("size");
  const size = sizeText === undefined ? undefined : parseSizeArgument(sizeText);
  const procs = Number(parseDummyNumber(extra.get("procs") ?? "1"));
  return { sizeText, size, procs, seed: parseDummyNumber(extra.get("seed") ?? "1") ?? 1n };
}

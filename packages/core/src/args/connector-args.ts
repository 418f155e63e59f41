/**
 * `ConnectorArgs` (`target:extra_args:middleware_args`), `ConnectorMiddlewareArgs` and `OsArgs`
 * (`target:extra_args`), parsed exactly as memflow 0.2.4 parses them (connector.rs, os.rs). Parts
 * past the last one a grammar has are ignored, as in memflow.
 */
import { MemflowError } from "../error.ts";
import { Args } from "./args.ts";
import { parseRustUnsigned } from "./rust-number.ts";
import { splitStrArgs } from "./split.ts";

/** memflow's connector middleware settings; all integers are u64/usize, so bigint. */
export interface ConnectorMiddlewareArgs {
  /** `undefined` = use the connector's default (cache on unless it opted out). */
  readonly cache: boolean | undefined;
  /** Bytes; 0 = the cache's default (2 MiB). */
  readonly cacheSize: bigint;
  /** Milliseconds; 0 = the default (1000 ms). */
  readonly cacheValidityTime: bigint;
  /** Bytes; 0 = 4 KiB. */
  readonly cachePageSize: bigint;
  /** Microseconds before every read or write batch; 0 = none. */
  readonly delay: bigint;
  readonly metrics: boolean;
}

export const DEFAULT_MIDDLEWARE_ARGS: ConnectorMiddlewareArgs = Object.freeze({
  cache: undefined,
  cacheSize: 0n,
  cacheValidityTime: 0n,
  cachePageSize: 0n,
  delay: 0n,
  metrics: false,
});

export interface ConnectorArgs {
  readonly target: string | undefined;
  readonly extraArgs: Args;
  readonly middlewareArgs: ConnectorMiddlewareArgs;
}

export interface OsArgs {
  readonly target: string | undefined;
  readonly extraArgs: Args;
}

const KIB = 1024n;
/** memflow's unit search order: the first suffix that matches (case-insensitively) wins. */
const SIZE_UNITS: readonly [string, bigint][] = [
  ["kb", KIB],
  ["k", KIB],
  ["mb", KIB * KIB],
  ["m", KIB * KIB],
  ["gb", KIB * KIB * KIB],
  ["g", KIB * KIB * KIB],
];
const USIZE_MAX = (1n << 64n) - 1n;

function configuration(message: string): MemflowError {
  return new MemflowError("OsLayer", "Configuration", message);
}

const truthy = (value: string) => value.toLowerCase() === "true" || value === "1";

/**
 * A memflow size such as `10m`: hex digits and a unit. The unit is found case-insensitively but
 * trimmed case-sensitively (Rust's `trim_end_matches`, which also trims repeats), so `1KB`
 * fails to parse, exactly as in memflow.
 */
export function parseMemflowSize(text: string): { value: bigint } | { error: "unit" | "number" | "overflow" } {
  const unit = SIZE_UNITS.find(([suffix]) => text.toLowerCase().endsWith(suffix));
  if (unit === undefined) return { error: "unit" };
  const [suffix, multiplier] = unit;
  let digits = text;
  while (digits.endsWith(suffix)) digits = digits.slice(0, -suffix.length);
  const number = parseRustUnsigned(digits, 16);
  if (number === undefined) return { error: "number" };
  const value = number * multiplier;
  return value > USIZE_MAX ? { error: "overflow" } : { value };
}

export function parseMiddlewareArgs(text: string): ConnectorMiddlewareArgs {
  const args = Args.parse(text);
  const size = parseMemflowSize(args.get("cache_size") ?? "0kb");
  if ("error" in size) {
    if (size.error === "unit") throw configuration("Invalid Page Cache size unit (or none)!");
    // memflow overflows silently here; refuse instead of wrapping around.
    throw configuration(size.error === "overflow" ? "Page Cache size is too large" : "Failed to parse Page Cache size");
  }
  const number = (key: string, fallback: string, radix: 10 | 16, message: string) => {
    const value = parseRustUnsigned(args.get(key) ?? fallback, radix);
    if (value === undefined) throw configuration(message);
    return value;
  };
  const cache = args.get("cache");
  return {
    cache: cache === undefined ? undefined : truthy(cache),
    cacheSize: size.value,
    cacheValidityTime: number("cache_time", "0", 10, "Failed to parse Page Cache validity time"),
    cachePageSize: number("cache_page_size", "0", 16, "Failed to parse Page size for an entry"),
    delay: number("delay", "0", 10, "Failed to parse delay configuration"),
    metrics: truthy(args.get("metrics") ?? "false"),
  };
}

/** `ConnectorArgs::from_str`: fails only on bad middleware settings. */
export function parseConnectorArgs(text: string): ConnectorArgs {
  const [target = "", extra = "", middleware] = splitStrArgs(text, ":");
  return {
    target: target === "" ? undefined : target,
    extraArgs: Args.parse(extra),
    middlewareArgs: middleware === undefined ? DEFAULT_MIDDLEWARE_ARGS : parseMiddlewareArgs(middleware),
  };
}

/** `OsArgs::from_str`: never fails. */
export function parseOsArgs(text: string): OsArgs {
  const [target = "", extra = ""] = splitStrArgs(text, ":");
  return { target: target === "" ? undefined : target, extraArgs: Args.parse(extra) };
}

export function connectorArgs(
  target?: string,
  extraArgs: Args = Args.new(),
  middlewareArgs: Partial<ConnectorMiddlewareArgs> = {},
): ConnectorArgs {
  return { target, extraArgs, middlewareArgs: { ...DEFAULT_MIDDLEWARE_ARGS, ...middlewareArgs } };
}

export function osArgs(target?: string, extraArgs: Args = Args.new()): OsArgs {
  return { target, extraArgs };
}

/**
 * `parse_vatcache` (args.rs), for OS plugins: key `vatcache` absent or `default` → `{ size: 0n,
 * validityTime: 0n }` (the plugin's defaults); `none` → undefined (no cache); else
 * `<hex size>[;<decimal ms>]`.
 */
export function parseVatcache(args: Args): { size: bigint; validityTime: bigint } | undefined {
  const value = args.get("vatcache") ?? "default";
  if (value === "default") return { size: 0n, validityTime: 0n };
  if (value === "none") return undefined;
  const separator = value.indexOf(";");
  const sizeText = separator < 0 ? value : value.slice(0, separator);
  const timeText = separator < 0 ? "0" : value.slice(separator + 1);
  const size = parseRustUnsigned(sizeText, 16);
  if (size === undefined) throw configuration("Failed to parse VAT size");
  const validityTime = parseRustUnsigned(timeText, 10);
  if (validityTime === undefined) throw configuration("Failed to parse VAT validity time");
  return { size, validityTime };
}

/**
 * `-v` and `--log-level`: how much of what plugins log reaches stderr. memflow's examples count
 * `-v`: none shows errors, then warnings, info, debug and trace; `--log-level <level>` names one
 * of memflow's levels (`off` silences plugins).
 */
import { LEVEL_FILTERS, type LevelFilter, MemflowError, parseLevelFilter } from "@memflow-ts/core/inventory";
import { UsageError } from "../command.ts";

export const LOG_FLAGS = {
  verbose: { type: "boolean", short: "v", multiple: true },
  "log-level": { type: "string" },
} as const;

export const LOG_FLAGS_USAGE = `  -v, --verbose        show more of what plugins log (-v warn, -vv info, -vvv debug, -vvvv trace)
  --log-level <level>  show plugin log records up to <level>: ${LEVEL_FILTERS.join(", ")} (default error)`;

const BY_COUNT: readonly LevelFilter[] = ["error", "warn", "info", "debug", "trace"];

export function logLevelFrom(values: {
  verbose?: boolean[] | undefined;
  "log-level"?: string | undefined;
}): LevelFilter {
  const named = values["log-level"];
  if (named !== undefined) {
    try {
      return parseLevelFilter(named);
    } catch (error) {
      if (error instanceof MemflowError) throw new UsageError(error.detail ?? error.message);
      throw error;
    }
  }
  const count = values.verbose?.length ?? 0;
  return BY_COUNT[Math.min(count, BY_COUNT.length - 1)] ?? "error";
}

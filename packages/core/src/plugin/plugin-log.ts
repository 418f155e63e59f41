/**
 * Log records from plugins, and memflow's levels. Plugins log through memflow's `PluginLogger`
 * (the `log` crate's record: level, target, message, module, file, line); a host hands each
 * record to the sink its user gave, on the JavaScript thread.
 */
import { MemflowError } from "../error.ts";

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";
/** memflow's `LevelFilter`: off, or the most verbose level let through. */
export type LevelFilter = "off" | LogLevel;

/** In the `log` crate's order, so a filter's index is its ordinal across the plugin ABI. */
export const LEVEL_FILTERS: readonly LevelFilter[] = ["off", "error", "warn", "info", "debug", "trace"];

export function levelFilterOrdinal(level: LevelFilter): number {
  return LEVEL_FILTERS.indexOf(level);
}

/** A level as users type it (`--log-level debug`, any case); throws (Args, InvalidArgument) otherwise. */
export function parseLevelFilter(text: string): LevelFilter {
  const level = LEVEL_FILTERS.find((candidate) => candidate === text.toLowerCase());
  if (level === undefined) {
    throw new MemflowError(
      "Args",
      "InvalidArgument",
      `log level ${JSON.stringify(text)} is not one of ${LEVEL_FILTERS.join(", ")}`,
    );
  }
  return level;
}

export interface PluginLogRecord {
  readonly level: LogLevel;
  readonly target: string;
  readonly message: string;
  readonly modulePath: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
}

export type LogSink = (record: PluginLogRecord) => void;

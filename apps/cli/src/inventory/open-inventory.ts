/**
 * The Inventory for commands that start plugins: the context's catalogue, and plugin log
 * records printed to stderr up to the level the user asked for, control characters escaped
 * (a plugin's text is not trusted).
 */
import { Inventory, type LevelFilter, type PluginLogRecord } from "@memflow-ts/core";
import { printable } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../io.ts";
import { colorEnabled, paint } from "../output.ts";
import { scanCatalogue } from "./scan-context.ts";

const LEVEL_COLOR = { error: "red", warn: "yellow", info: "green", debug: "cyan", trace: "dim" } as const;

/** One record as one stderr line: `[plugin WARN testmem] message (src/lib.rs:42)`. */
export function formatLogRecord(record: PluginLogRecord, color: boolean): string {
  const where = record.file === undefined ? "" : ` (${printable(record.file)}${record.line ? `:${record.line}` : ""})`;
  const label = paint(
    color,
    `[plugin ${record.level.toUpperCase()} ${printable(record.target)}]`,
    LEVEL_COLOR[record.level],
  );
  return `${label} ${printable(record.message)}${where}\n`;
}

export function openInventory(context: CliContext, logLevel: LevelFilter): Inventory {
  const color = colorEnabled(context.stderr, context.env);
  return new Inventory(scanCatalogue(context), {
    log: (record) => context.stderr.write(formatLogRecord(record, color)),
    logLevel,
  });
}

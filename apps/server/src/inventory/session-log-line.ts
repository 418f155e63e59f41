/**
 * How what a session's plugins say reads in the server's log: one line each, naming the session,
 * so a record can be traced to the client that opened it. Every field comes from the plugin's
 * process, which can forge any of them, so every one is escaped, not just the message.
 */
import type { PluginLogRecord } from "@memflow-ts/core";
import { printable } from "@memflow-ts/core/plugin-files";

const text = (value: unknown) => printable(String(value));

/** `session 5b0e…: plugin WARN testmem: hello from a plugin thread (test-connector.c:72)` */
export function sessionLogLine(sessionId: string, record: PluginLogRecord): string {
  const line = record.line === undefined ? "" : `:${text(record.line)}`;
  const where = record.file === undefined ? "" : ` (${text(record.file)}${line})`;
  return `session ${sessionId}: plugin ${text(record.level).toUpperCase()} ${text(record.target)}: ${text(record.message)}${where}`;
}

/** A line the worker's stdout carried that is no message: a plugin printing on its own. */
export function sessionOutputLine(sessionId: string, output: string): string {
  return `session ${sessionId}: plugin output: ${printable(output)}`;
}

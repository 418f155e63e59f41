/**
 * Messages between the server and a session worker: one JSON object per line. The worker owns
 * the native plugin; the server only ever sees these.
 */
import type { LevelFilter, PluginLogRecord } from "@memflow-ts/core";
import type { InventorySource } from "./local-inventory.ts";

export interface SessionJob extends InventorySource {
  /** `-c name:args` (and `-o`) tokens, as on a command line. */
  chain: string[];
  /** The most verbose plugin log record the worker sends back. */
  logLevel: LevelFilter;
  /** Whether the policy lets this session write; the worker refuses writes otherwise. */
  writable: boolean;
}

export interface SessionMetadata {
  /** Hex strings: addresses do not fit JSON numbers. */
  max_address: string;
  real_size: string;
  readonly: boolean;
  ideal_batch_size: number;
}

export type WorkerRequest =
  | { id: number; op: "read"; address: string; length: number }
  | { id: number; op: "write"; address: string; data: string }
  | { id: number; op: "metadata" }
  | { id: number; op: "close" };

export type WorkerReply =
  | { ready: SessionMetadata }
  | { failed: string }
  | { id: number; data: string }
  | { id: number; written: true }
  | { id: number; metadata: SessionMetadata }
  | { id: number; closed: true }
  | { id: number; error: string };

/**
 * A plugin's log record, sent whenever the worker drains them: before each reply, and on core's
 * timer for records a plugin's own threads log meanwhile. Fields that are undefined are left out.
 */
export type WorkerLog = { log: PluginLogRecord };

/** What the worker writes: replies to the server's requests, and log records between them. */
export type WorkerMessage = WorkerReply | WorkerLog;

/**
 * Messages between the server and a session worker: one JSON object per line. The worker owns
 * the native plugin; the server only ever sees these.
 */
import type { LevelFilter, PluginLogRecord } from "@memflow-ts/core";
import type { InventorySource } from "./local-inventory.ts";
import type { OsReply, OsRequest } from "./os-protocol.ts";
import type { OsInfoJson } from "./os-schemas.ts";

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

/** What a worker says once its chain is built. */
export interface SessionReady {
  /** The physical memory's; null for an OS that offers none. */
  metadata: SessionMetadata | null;
  /** The OS's info when the chain ends with an OS (`-o`), else null. */
  os: OsInfoJson | null;
}

export type WorkerRequest =
  | OsRequest
  | { id: number; op: "read"; address: string; length: number }
  | { id: number; op: "write"; address: string; data: string }
  | { id: number; op: "metadata" }
  | { id: number; op: "close" };

export type WorkerReply =
  | OsReply
  | { ready: SessionReady }
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

/**
 * The OS half of the session protocol (session-protocol.ts): what the server asks a worker whose
 * chain ends with an OS, and how a memflow error crosses the process boundary with its origin and
 * kind intact, so http/errors.ts maps ProcessNotFound to a 404 as it would in-process.
 */
import { type ErrorKind, type ErrorOrigin, MemflowError } from "@memflow-ts/core";
import type { UnreadableJson } from "./os-schemas.ts";

/** A process as a route names it: by pid, or by name (memflow's rule: the first one not dead). */
export type ProcessSelector = { readonly pid: number } | { readonly name: string };

export type OsRequest =
  | { id: number; op: "os-info" }
  | { id: number; op: "processes" }
  | { id: number; op: "process"; process: ProcessSelector }
  | { id: number; op: "modules"; process: ProcessSelector }
  | { id: number; op: "module-contents"; process: ProcessSelector; module: string; what: ModuleContentsKind }
  | { id: number; op: "virtual-read"; process: ProcessSelector; address: string; length: number }
  | { id: number; op: "virtual-write"; process: ProcessSelector; address: string; data: string };

export type ModuleContentsKind = "exports" | "imports" | "sections";

/** memflow's error, as it crossed the boundary. */
export interface WireMemflowError {
  origin: ErrorOrigin;
  kind: ErrorKind;
  detail?: string | undefined;
}

export type OsReply =
  /** A JSON body of os-schemas.ts, as the worker built it. */
  | { id: number; value: unknown }
  /** A virtual read: the bytes (base64, unreadable ones zero) of the process `pid`. */
  | { id: number; pid: number; data: string; unreadable: UnreadableJson }
  | { id: number; error: string; memflow?: WireMemflowError };

export function wireError(error: MemflowError): WireMemflowError {
  return { origin: error.origin, kind: error.kind, detail: error.detail };
}

export function memflowErrorOf(wire: WireMemflowError): MemflowError {
  return new MemflowError(wire.origin, wire.kind, wire.detail);
}

/** `text` as a ProcessSelector: all digits is a pid, anything else a name. Undefined for a pid out of range. */
export function processSelector(text: string): ProcessSelector | undefined {
  if (!/^[0-9]+$/.test(text)) return { name: text };
  const pid = Number(text);
  return Number.isSafeInteger(pid) && pid <= 0xffff_ffff ? { pid } : undefined;
}

export function describeSelector(process: ProcessSelector): string {
  return "pid" in process ? `pid ${process.pid}` : `name ${JSON.stringify(process.name)}`;
}

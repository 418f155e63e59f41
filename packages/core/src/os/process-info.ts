/**
 * What an OS plugin says about a process (memflow's `ProcessInfo` and `ProcessState`), copied out
 * of the plugin's memory: plain frozen objects whose addresses are exact 64-bit bigints.
 */
import { MemflowError } from "../error.ts";
import type { ArchitectureIdent } from "./architecture.ts";

export type ProcessState =
  | { readonly kind: "Unknown" }
  | { readonly kind: "Alive" }
  | { readonly kind: "Dead"; readonly exitCode: number };

export interface ProcessInfo {
  /** The OS's handle of the process (win32: its EPROCESS); what `processByAddress` takes. */
  readonly address: bigint;
  readonly pid: number;
  readonly state: ProcessState;
  readonly name: string;
  readonly path: string;
  readonly commandLine: string;
  /** The system's architecture, and the process's own (they differ for a 32-bit process on a 64-bit OS). */
  readonly sysArch: ArchitectureIdent;
  readonly procArch: ArchitectureIdent;
  /** The roots of the process's page tables; dtb2 is `INVALID_ADDRESS` where there is one. */
  readonly dtb1: bigint;
  readonly dtb2: bigint;
}

/** memflow's `Address::INVALID`: no address. */
export const INVALID_ADDRESS = 0xffff_ffff_ffff_ffffn;

/** A pid as memflow's `Pid` (u32); throws (OsLayer, InvalidArgument) for anything else. */
export function checkPid(pid: number): number {
  if (!Number.isInteger(pid) || pid < 0 || pid > 0xffff_ffff)
    throw new MemflowError("OsLayer", "InvalidArgument", `${pid} is not a process id (an unsigned 32-bit integer)`);
  return pid;
}

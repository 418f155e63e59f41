/**
 * The session worker's answers to OS requests (os-protocol.ts), on the OS its chain built. Each
 * request opens the process it names, borrowing the OS, and closes it before answering, so no
 * borrow outlives a request. A virtual read is split at 4 KiB pages, the smallest page memflow
 * maps, so each piece is read whole or not at all and the reply can say exactly which stretches
 * were unmapped.
 */
import {
  formatAddress,
  MemflowError,
  moduleInfoJson,
  type Os,
  osInfoJson,
  type Process,
  processInfoJson,
  type ReadRequest,
  sectionJson,
  symbolJson,
} from "@memflow-ts/core";
import { describeSelector, type OsReply, type OsRequest, type ProcessSelector, wireError } from "./os-protocol.ts";
import type { UnreadableJson } from "./os-schemas.ts";

const PAGE = 0x1000n;

/** The process `selector` names; memflow's ProcessNotFound, with what was asked for, when none is. */
function openProcess(os: Os, selector: ProcessSelector): Process {
  try {
    return "pid" in selector ? os.processByPid(selector.pid) : os.processByName(selector.name);
  } catch (error) {
    if (error instanceof MemflowError && error.kind === "ProcessNotFound") {
      throw new MemflowError(error.origin, error.kind, `no process with ${describeSelector(selector)}`);
    }
    throw error;
  }
}

function withProcess<T>(os: Os, selector: ProcessSelector, use: (process: Process) => T): T {
  const process = openProcess(os, selector);
  try {
    return use(process);
  } finally {
    process.close();
  }
}

/** `[address, address + length)` in pieces that end at page boundaries. */
export function pagePieces(address: bigint, length: number): ReadRequest[] {
  const pieces: ReadRequest[] = [];
  const end = address + BigInt(length);
  for (let at = address; at < end; ) {
    const next = (at / PAGE + 1n) * PAGE;
    const stop = next < end ? next : end;
    pieces.push({ address: at, length: Number(stop - at) });
    at = stop;
  }
  return pieces;
}

function virtualRead(process: Process, address: bigint, length: number) {
  const data = new Uint8Array(length);
  const unreadable: UnreadableJson = [];
  let offset = 0;
  for (const result of process.readMany(pagePieces(address, length))) {
    data.set(result.data, offset);
    offset += result.data.byteLength;
    if (result.ok) continue;
    // Neighbouring unmapped pages are one stretch.
    const last = unreadable.at(-1);
    if (last !== undefined && BigInt(last.address) + BigInt(last.length) === result.address) {
      last.length += result.data.byteLength;
    } else {
      unreadable.push({ address: formatAddress(result.address), length: result.data.byteLength });
    }
  }
  return { pid: process.info().pid, data: Buffer.from(data).toString("base64"), unreadable };
}

function answer(os: Os, request: OsRequest, writable: boolean): OsReply {
  const { id } = request;
  switch (request.op) {
    case "os-info":
      return { id, value: osInfoJson(os.info()) };
    case "processes":
      return { id, value: { processes: os.processInfoList().map(processInfoJson) } };
    case "process":
      return withProcess(os, request.process, (process) => ({ id, value: processInfoJson(process.info()) }));
    case "modules":
      return withProcess(os, request.process, (process) => ({
        id,
        value: { modules: process.moduleList().map(moduleInfoJson) },
      }));
    case "module-contents":
      return withProcess(os, request.process, (process) => {
        const module = process.moduleByName(request.module);
        const contents =
          request.what === "exports"
            ? process.moduleExportList(module).map((symbol) => symbolJson(module, symbol))
            : request.what === "imports"
              ? process.moduleImportList(module).map((symbol) => symbolJson(module, symbol))
              : process.moduleSectionList(module).map(sectionJson);
        return { id, value: { module: moduleInfoJson(module), [request.what]: contents } };
      });
    case "virtual-read":
      return withProcess(os, request.process, (process) => ({
        id,
        ...virtualRead(process, BigInt(request.address), request.length),
      }));
    case "virtual-write":
      // The pool refuses first; this is the second lock on the same door.
      if (!writable) return { id, error: "this session may not write" };
      return withProcess(os, request.process, (process) => {
        process.write(BigInt(request.address), Buffer.from(request.data, "base64"));
        return { id, value: null };
      });
  }
}

/** The reply to an OS request: its value, or the error with memflow's origin and kind. */
export function serveOs(os: Os, request: OsRequest, writable: boolean): OsReply {
  try {
    return answer(os, request, writable);
  } catch (error) {
    if (error instanceof MemflowError) return { id: request.id, error: error.message, memflow: wireError(error) };
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

export const OS_OPS: ReadonlySet<string> = new Set<OsRequest["op"]>([
  "os-info",
  "processes",
  "process",
  "modules",
  "module-contents",
  "virtual-read",
  "virtual-write",
]);

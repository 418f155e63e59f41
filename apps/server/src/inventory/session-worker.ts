/**
 * A session worker: a child process that builds one chain and serves requests on it (physical
 * reads and writes; when the chain ends with an OS, its processes, modules and virtual memory,
 * os-worker.ts), so a plugin that crashes takes down this process only. Reads its job as JSON from argv[2], then
 * requests from stdin (on a thread of its own, session-worker-input.ts, which ends this process
 * when stdin closes); writes replies, and the plugins' log records, to stdout (see
 * session-protocol.ts). Its working folder is the inventory's first data folder (the pool sets it),
 * where relative paths in the chain were checked.
 */
import { type Inventory, MemflowError, type Os, OsChain, osInfoJson, type PhysicalMemory } from "@memflow-ts/core";
import { openInventory } from "./local-inventory.ts";
import type { OsRequest } from "./os-protocol.ts";
import { OS_OPS, serveOs } from "./os-worker.ts";
import { sessionChain } from "./session-chain.ts";
import type {
  SessionJob,
  SessionMetadata,
  SessionReady,
  WorkerMessage,
  WorkerReply,
  WorkerRequest,
} from "./session-protocol.ts";

/**
 * Each message on a line of its own: a plugin that printed part of a line (no newline yet) would
 * otherwise glue its text onto the message, and the server would take both for plugin output.
 */
const send = (message: WorkerMessage) => process.stdout.write(`\n${JSON.stringify(message)}\n`);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function metadataOf(memory: PhysicalMemory): SessionMetadata {
  const metadata = memory.metadata();
  return {
    max_address: `0x${metadata.maxAddress.toString(16)}`,
    real_size: `0x${metadata.realSize.toString(16)}`,
    readonly: metadata.readonly,
    ideal_batch_size: metadata.idealBatchSize,
  };
}

/** What the chain built: its physical memory (a connector's, or what the OS exposes) and the OS, if it ends with one. */
interface Built {
  readonly memory: PhysicalMemory | undefined;
  readonly os: Os | undefined;
  close(): void;
}

const NO_MEMORY = new MemflowError(
  "OsLayer",
  "UnsupportedOptionalFeature",
  "the session's OS exposes no physical memory: read a process's memory instead",
);
const NOT_AN_OS = new MemflowError("OsLayer", "UnsupportedOptionalFeature", "the session's chain ends with no OS");

function serve(built: Built, request: WorkerRequest, writable: boolean): WorkerReply {
  if (OS_OPS.has(request.op)) {
    // The pool refuses first for a chain without an OS.
    if (built.os === undefined) return { id: request.id, error: NOT_AN_OS.message };
    return serveOs(built.os, request as OsRequest, writable);
  }
  const memory = built.memory;
  try {
    if (request.op === "close") {
      built.close();
      return { id: request.id, closed: true };
    }
    if (memory === undefined) throw NO_MEMORY;
    if (request.op === "read") {
      const bytes = memory.read(BigInt(request.address), request.length);
      return { id: request.id, data: Buffer.from(bytes).toString("base64") };
    }
    if (request.op === "write") {
      // The pool refuses first; this is the second lock on the same door.
      if (!writable) return { id: request.id, error: "this session may not write" };
      memory.write(BigInt(request.address), Buffer.from(request.data, "base64"));
      return { id: request.id, written: true };
    }
    return { id: request.id, metadata: metadataOf(memory) };
  } catch (error) {
    return { id: request.id, error: errorText(error) };
  }
}

const job = JSON.parse(process.argv[2] ?? "{}") as SessionJob;
// Reading stdin before any plugin code runs: a `create` that hangs must not outlive the server.
const input = new Worker(new URL("./session-worker-input.ts", import.meta.url).href);
await new Promise((resolve) => {
  input.onmessage = resolve;
});

let inventory: Inventory | undefined;
let built: Built;
let ready: SessionReady;
try {
  // Core queues records natively (plugin threads may log at any time) and hands them over on this
  // thread; each goes to the server as it comes.
  inventory = openInventory(job, { log: (record) => send({ log: record }), logLevel: job.logLevel });
  const chain = sessionChain(job.chain);
  if (chain instanceof OsChain) {
    const os = inventory.builder().osChain(chain).build();
    const memory = os.physicalMemory();
    built = { memory, os, close: () => os.close() };
    ready = { metadata: memory === undefined ? null : metadataOf(memory), os: osInfoJson(os.info()) };
  } else {
    const connector = inventory.builder().connectorChain(chain).build();
    built = { memory: connector, os: undefined, close: () => connector.close() };
    ready = { metadata: metadataOf(connector), os: null };
  }
  // Records logged while the chain was built arrive before the server hears the session is ready.
  inventory.flushLogs();
} catch (error) {
  inventory?.flushLogs();
  send({ failed: errorText(error) });
  process.exit(1);
}

// Set before the server hears of the session: it sends no request before that.
input.onmessage = (event: MessageEvent<string>) => {
  if (event.data.trim() === "") return;
  const request = JSON.parse(event.data) as WorkerRequest;
  const reply = serve(built, request, job.writable);
  // What the plugin logged while serving reaches the server before the reply that ends the request.
  inventory?.flushLogs();
  send(reply);
  if (request.op === "close") process.exit(0);
};
send({ ready });

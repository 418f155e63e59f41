/**
 * A session worker: a child process that builds one connector chain and serves reads on it, so a
 * plugin that crashes takes down this process only. Reads its job as JSON from argv[2], then
 * requests from stdin (on a thread of its own, session-worker-input.ts, which ends this process
 * when stdin closes); writes replies, and the plugins' log records, to stdout (see
 * session-protocol.ts). Its working folder is the inventory's first data folder (the pool sets it),
 * where relative paths in the chain were checked.
 */
import { type Connector, ConnectorChain, chainArguments, type Inventory, MemflowError } from "@memflow-ts/core";
import { openInventory } from "./local-inventory.ts";
import type { SessionJob, SessionMetadata, WorkerMessage, WorkerReply, WorkerRequest } from "./session-protocol.ts";

/**
 * Each message on a line of its own: a plugin that printed part of a line (no newline yet) would
 * otherwise glue its text onto the message, and the server would take both for plugin output.
 */
const send = (message: WorkerMessage) => process.stdout.write(`\n${JSON.stringify(message)}\n`);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function metadataOf(connector: Connector): SessionMetadata {
  const metadata = connector.metadata();
  return {
    max_address: `0x${metadata.maxAddress.toString(16)}`,
    real_size: `0x${metadata.realSize.toString(16)}`,
    readonly: metadata.readonly,
    ideal_batch_size: metadata.idealBatchSize,
  };
}

function serve(connector: Connector, request: WorkerRequest, writable: boolean): WorkerReply {
  try {
    if (request.op === "read") {
      const bytes = connector.read(BigInt(request.address), request.length);
      return { id: request.id, data: Buffer.from(bytes).toString("base64") };
    }
    if (request.op === "write") {
      // The pool refuses first; this is the second lock on the same door.
      if (!writable) return { id: request.id, error: "this session may not write" };
      connector.write(BigInt(request.address), Buffer.from(request.data, "base64"));
      return { id: request.id, written: true };
    }
    if (request.op === "metadata") return { id: request.id, metadata: metadataOf(connector) };
    connector.close();
    return { id: request.id, closed: true };
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
let connector: Connector;
let ready: SessionMetadata;
try {
  // Core queues records natively (plugin threads may log at any time) and hands them over on this
  // thread; each goes to the server as it comes.
  inventory = openInventory(job, { log: (record) => send({ log: record }), logLevel: job.logLevel });
  const { connectors, osLayers } = chainArguments(job.chain);
  if (connectors.length === 0) {
    throw new MemflowError("Other", "ArgValidation", "the chain has no connector: give one with -c name[:args]");
  }
  if (osLayers.length > 0 && (osLayers.at(-1)?.[0] ?? 0) > (connectors.at(-1)?.[0] ?? 0)) {
    throw new MemflowError(
      "Other",
      "ArgValidation",
      "a session reads physical memory: end the chain with a connector (-c), not an OS (-o)",
    );
  }
  connector = inventory.builder().connectorChain(ConnectorChain.fromArgs(connectors, osLayers)).build();
  ready = metadataOf(connector);
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
  const reply = serve(connector, request, job.writable);
  // What the plugin logged while serving reaches the server before the reply that ends the request.
  inventory?.flushLogs();
  send(reply);
  if (request.op === "close") process.exit(0);
};
send({ ready });

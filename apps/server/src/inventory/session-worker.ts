/**
 * A session worker: a child process that builds one connector chain and serves reads on it, so a
 * plugin that crashes takes down this process only. Reads its job as JSON from argv[2], then
 * requests from stdin; writes replies to stdout (see session-protocol.ts).
 */
import { type Connector, ConnectorChain, chainArguments } from "@memflow-ts/core";
import { openInventory } from "./local-inventory.ts";
import type { SessionJob, SessionMetadata, WorkerReply, WorkerRequest } from "./session-protocol.ts";

const reply = (message: WorkerReply) => process.stdout.write(`${JSON.stringify(message)}\n`);

function metadataOf(connector: Connector): SessionMetadata {
  const metadata = connector.metadata();
  return {
    max_address: `0x${metadata.maxAddress.toString(16)}`,
    real_size: `0x${metadata.realSize.toString(16)}`,
    readonly: metadata.readonly,
    ideal_batch_size: metadata.idealBatchSize,
  };
}

let connector: Connector;
try {
  const job = JSON.parse(process.argv[2] ?? "{}") as SessionJob;
  const { connectors, osLayers } = chainArguments(job.chain);
  if (connectors.length === 0) throw new Error("the chain has no connector: give one with -c name[:args]");
  if (osLayers.length > 0 && (osLayers.at(-1)?.[0] ?? 0) > (connectors.at(-1)?.[0] ?? 0)) {
    throw new Error("a session reads physical memory: end the chain with a connector (-c), not an OS (-o)");
  }
  connector = openInventory(job).builder().connectorChain(ConnectorChain.fromArgs(connectors, osLayers)).build();
  reply({ ready: metadataOf(connector) });
} catch (error) {
  reply({ failed: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

for await (const line of console) {
  if (line.trim() === "") continue;
  const request = JSON.parse(line) as WorkerRequest;
  try {
    if (request.op === "read") {
      const bytes = connector.read(BigInt(request.address), request.length);
      reply({ id: request.id, data: Buffer.from(bytes).toString("base64") });
    } else if (request.op === "metadata") {
      reply({ id: request.id, metadata: metadataOf(connector) });
    } else {
      connector.close();
      reply({ id: request.id, closed: true });
      process.exit(0);
    }
  } catch (error) {
    reply({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
}

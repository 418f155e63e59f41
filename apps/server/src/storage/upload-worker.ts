/**
 * An upload worker (a Bun Worker, one thread): reads what it needs of a received (hashed) upload, runs
 * the registry's checks on it (signature, descriptors) and commits it with its two fsyncs and its
 * index row (a durable commit: the index's own fsync), all off the event loop that serves requests. Its main is this file; see upload-protocol.ts for the messages.
 */
import { existsSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { AnalyzeError } from "@memflow-ts/analyzer";
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import { verifyPluginDigestSignature } from "@memflow-ts/core/registry";
import { commitUpload } from "./commit-upload.ts";
import { PluginIndex } from "./plugin-index.ts";
import { StorageError } from "./storage-error.ts";
import { INDEX_FILE_NAME } from "./storage-layout.ts";
import { analyzeUploadFile, type DigestSignatureCheck } from "./upload-analysis.ts";
import type { UploadJob, UploadWorkerReply, UploadWorkerRequest } from "./upload-protocol.ts";

declare const self: Worker;

/**
 * Lets the event loop that serves requests go first: on Linux a thread has a priority of its own,
 * and this one's is lowered (nice 10), so when the CPU is short a check waits, not a request.
 * Elsewhere the worker keeps its process's priority.
 */
function yieldToRequests(): void {
  try {
    const thread = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(thread)) setPriority(thread, 10);
  } catch {
    // No /proc/thread-self: not Linux.
  }
}
yieldToRequests();

let verify: DigestSignatureCheck | undefined;

/** A connection to the index of each storage folder this worker commits into (the store opened it first). */
const indexes = new Map<string, PluginIndex>();

function indexOf(root: string): PluginIndex {
  let index = indexes.get(root);
  if (index === undefined) {
    index = new PluginIndex(join(root, INDEX_FILE_NAME), { attach: true });
    indexes.set(root, index);
  }
  return index;
}

function run(job: UploadJob): UploadWorkerReply {
  try {
    const digest = job.digest;
    const { descriptors, byteOrder } = analyzeUploadFile(job.temporaryPath, digest, job.signature, verify);
    const meta: PluginMetadata = { digest, signature: job.signature, created_at: job.created_at, descriptors };
    const notAdded = { added: false, meta, metaMtimeMs: 0, byteOrder };
    if (job.root === undefined) return notAdded;
    const root = job.root;
    // Stored already (a `.meta` alone is a leftover the commit replaces): memflow-registry's AlreadyExists.
    const stored = (extension: string) => existsSync(join(root, `${digest}.${extension}`));
    if (stored("plugin") && stored("meta")) return notAdded;
    const source = { temporaryPath: job.temporaryPath, flushed: job.flushed };
    // The index row here, off the event loop: its commit flushes the index's WAL (the `.meta`'s text, kept durably).
    const { added, metaMtimeMs } = commitUpload(root, source, meta, (committed) => {
      indexOf(root).put(meta, committed.metaMtimeMs, byteOrder, committed.metaText);
    });
    return { added, meta, metaMtimeMs, byteOrder };
  } catch (error) {
    if (error instanceof StorageError && error.reason !== "not-found") {
      return { refused: error.reason, message: error.message };
    }
    // memflow-registry words the analyzer's failures so.
    if (error instanceof AnalyzeError) return { refused: "bad-plugin", message: `Memflow error: ${error.message}` };
    return { fault: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

self.onmessage = (event: MessageEvent<UploadWorkerRequest>) => {
  const request = event.data;
  if ("stop" in request) {
    // Closed here, not left to the thread's end: the store's folder may be opened again at once.
    for (const index of indexes.values()) index.close();
    indexes.clear();
    // In a worker, ends this thread only.
    process.exit(0);
  }
  if ("init" in request) {
    const keys = request.init.publicKeys;
    verify =
      keys === undefined
        ? undefined
        : (sha256, signature) => keys.some((key) => verifyPluginDigestSignature(sha256, signature, key));
    return;
  }
  self.postMessage(run(request.job));
};

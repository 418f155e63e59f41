/**
 * An upload worker (a Bun Worker, one thread): reads a received upload from disk, hashes it, runs
 * the registry's checks on it (signature, descriptors) and commits it with its fsyncs, all off the
 * event loop that serves requests. Its main is this file; see upload-protocol.ts for the messages.
 */
import { closeSync, existsSync, openSync, readlinkSync, readSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { AnalyzeError } from "@memflow-ts/analyzer";
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import { verifyPluginSignature } from "@memflow-ts/core/registry";
import { commitUpload } from "./commit-upload.ts";
import { StorageError } from "./storage-error.ts";
import { analyzeUploadFile, type SignatureCheck } from "./upload-analysis.ts";
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

let verify: SignatureCheck | undefined;
/** Reused for every file this worker hashes. */
const chunk = Buffer.allocUnsafe(1024 * 1024);

function sha256(path: string): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const descriptor = openSync(path, "r");
  try {
    for (let read = readSync(descriptor, chunk); read > 0; read = readSync(descriptor, chunk)) {
      hasher.update(chunk.subarray(0, read));
    }
  } finally {
    closeSync(descriptor);
  }
  return hasher.digest("hex");
}

function run(job: UploadJob): UploadWorkerReply {
  try {
    const descriptors = analyzeUploadFile(job.temporaryPath, job.signature, verify);
    const digest = sha256(job.temporaryPath);
    const meta: PluginMetadata = { digest, signature: job.signature, created_at: job.created_at, descriptors };
    if (job.root === undefined) return { added: false, meta, metaMtimeMs: 0 };
    const root = job.root;
    // Stored already (a `.meta` alone is a leftover the commit replaces): memflow-registry's AlreadyExists.
    const stored = (extension: string) => existsSync(join(root, `${digest}.${extension}`));
    if (stored("plugin") && stored("meta")) return { added: false, meta, metaMtimeMs: 0 };
    return { ...commitUpload(root, { temporaryPath: job.temporaryPath }, meta), meta };
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
  if ("init" in request) {
    const keys = request.init.publicKeys;
    verify =
      keys === undefined
        ? undefined
        : (file, signature) => keys.some((key) => verifyPluginSignature(file, signature, key));
    return;
  }
  self.postMessage(run(request.job));
};

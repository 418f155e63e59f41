/**
 * An upload worker (a Bun Worker, one thread): reads a received upload from disk, runs the
 * registry's checks on it (signature, descriptors) and commits it with its fsyncs, all off the
 * event loop that serves requests. Its main is this file; see upload-protocol.ts for the messages.
 */
import { readFileSync } from "node:fs";
import { AnalyzeError } from "@memflow-ts/analyzer";
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import { verifyPluginSignature } from "@memflow-ts/core/registry";
import { commitUpload } from "./commit-upload.ts";
import { StorageError } from "./storage-error.ts";
import { analyzeUpload, type SignatureCheck } from "./upload-analysis.ts";
import type { UploadJob, UploadWorkerReply, UploadWorkerRequest } from "./upload-protocol.ts";

declare const self: Worker;

let verify: SignatureCheck | undefined;

function run(job: UploadJob): UploadWorkerReply {
  try {
    // Whole in memory here, one upload per worker: the workers' count bounds what this costs.
    const bytes = readFileSync(job.temporaryPath);
    const descriptors = analyzeUpload(bytes, job.signature, verify);
    const meta: PluginMetadata = {
      digest: job.digest,
      signature: job.signature,
      created_at: job.created_at,
      descriptors,
    };
    if (job.known) return { added: false, meta, metaMtimeMs: 0 };
    return { ...commitUpload(job.root, { temporaryPath: job.temporaryPath }, meta), meta };
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

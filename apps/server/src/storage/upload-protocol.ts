/**
 * Messages between the store and its upload workers (structured clones, one job at a time per
 * worker). A worker analyzes a received (and already hashed) upload and, unless the folder already holds
 * it, commits it.
 */
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { ByteOrder } from "./byte-order.ts";
import type { StorageErrorReason } from "./storage-error.ts";

/** The first message to every worker. */
export interface UploadWorkerInit {
  /** secp256k1 public keys (SEC1 points) an upload must be signed with; absent: not verified. */
  publicKeys: readonly Uint8Array[] | undefined;
}

export interface UploadJob {
  /**
   * The storage folder to commit into; undefined for a check only, where the caller stores the
   * file itself (the shared store) and the reply's `added` is false.
   */
  root: string | undefined;
  /** The received file, in the storage folder's incoming folder. */
  temporaryPath: string;
  /** Whether its bytes were flushed to disk as it was received (else the commit flushes them). */
  flushed: boolean;
  /** Its sha256, taken as it was received. */
  digest: string;
  signature: string;
  created_at: string;
}

/** `stop`: the store is closing; an idle worker closes its connections to the index and exits. */
export type UploadWorkerRequest = { init: UploadWorkerInit } | { job: UploadJob } | { stop: true };

export type UploadWorkerReply =
  /** Checked and, unless stored already, committed with its index row (the `.meta`'s text kept durably). */
  | { added: boolean; meta: PluginMetadata; metaMtimeMs: number; byteOrder: ByteOrder }
  /** The upload is refused, with storage's reason and memflow-registry's text. */
  | { refused: Exclude<StorageErrorReason, "not-found">; message: string }
  /** Something failed that is not the upload's fault (the disk, a bug): a 500. */
  | { fault: string };

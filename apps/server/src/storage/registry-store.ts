/**
 * What the HTTP layer needs of the registry's storage, whichever engines hold it: the embedded
 * folder + SQLite (plugin-store.ts, the default) or PostgreSQL + S3-compatible objects
 * (shared/shared-store.ts), chosen at start from the environment (open-store.ts). Answers may be
 * values or promises: the embedded store answers synchronously, and the routes keep that path
 * free of awaits.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import type { IncomingFile, ReceivedFile } from "./incoming-file.ts";
import type { StoreContents } from "./store-contents.ts";
import type { ListedVariant, VariantQuery } from "./variant-query.ts";

export type MaybePromise<T> = T | Promise<T>;

/** A stored plugin file to send, and the descriptor its download is named after. */
export interface StoredFile {
  readonly body: Blob;
  readonly descriptor: PluginDescriptorInfo | undefined;
}

export interface RegistryStore extends StoreContents {
  /** Counts changes seen by this process: cached answers are valid while it stays the same. */
  readonly generation: number;
  /**
   * Present when other servers may change the index (shared mode): a download served from this
   * process's memory first asks it whether the file is still listed (StorageError not-found if not).
   */
  readonly confirmStored?: (digest: string) => Promise<void>;
  /**
   * Present when downloads are redirected (shared mode, MEMFLOW_TS_S3_REDIRECT_SECONDS): a
   * presigned URL of a listed file's object; StorageError not-found when the index lists none.
   */
  readonly downloadRedirect?: (digest: string) => Promise<string>;
  names(): MaybePromise<PluginInfo[]>;
  find(name: string, params: VariantQuery): MaybePromise<{ plugins: PluginVariant[]; total: number }>;
  /** `find` with each variant's byte order (the web UI shows it). */
  listed(name: string, params: VariantQuery): MaybePromise<{ plugins: ListedVariant[]; total: number }>;
  /** A stored file's bytes; StorageError not-found when there is none. */
  download(digest: string): MaybePromise<StoredFile>;
  /** The `.meta` text exactly as stored; StorageError not-found or damaged. */
  metadataText(digest: string): MaybePromise<string>;
  delete(digest: string): MaybePromise<void>;
  /** A new file to receive an upload into (then `uploadReceived`); the caller discards it after. */
  incomingFile(): Promise<IncomingFile>;
  uploadReceived(file: ReceivedFile, signature: string): Promise<UploadResponse>;
  /** Stores a file checked elsewhere (the mirror's pull from its upstream), with its metadata as given. */
  adopt(file: Uint8Array, meta: PluginMetadata): MaybePromise<UploadResponse>;
  /** memflow-registry's health check, answered from memory. */
  healthy(): boolean;
  close(): MaybePromise<void>;
}

/** `use(value)`, after the value is ready when it is a promise: keeps a synchronous answer synchronous. */
export function whenReady<T, R>(value: MaybePromise<T>, use: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(use) : use(value);
}

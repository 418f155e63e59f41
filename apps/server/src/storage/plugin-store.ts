/**
 * The registry's storage: memflow-registry's flat folder of `<digest>.plugin` and `<digest>.meta`
 * files, plus an SQLite index beside them. The files are the truth; the index is a cache that
 * start-up brings back in step by reading only `.meta` files it has not seen at their mtime, and
 * that a watcher keeps in step while the server runs.
 *
 * Crash safety comes from the order of writes (commit-upload.ts): the `.plugin` is complete
 * before the `.meta` names it, and the `.meta` exists before the index row, which keeps the
 * `.meta`'s text durably until start-up has flushed the file (unflushed-meta.ts). One server holds
 * a folder at a time (storage-lock.ts).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import {
  createdAtFromNanoseconds,
  createdAtNow,
  isSha256Digest,
  type PluginMetadata,
} from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import { checkedDigest } from "./checked-digest.ts";
import { commitUpload } from "./commit-upload.ts";
import { type FolderWatcher, watchStorageFolder } from "./folder-watcher.ts";
import { IncomingFile, type ReceivedFile } from "./incoming-file.ts";
import { IndexSync, type ReconcileReport } from "./index-sync.ts";
import { type ListedVariant, PluginIndex, type VariantQuery } from "./plugin-index.ts";
import type { RegistryStore, StoredFile } from "./registry-store.ts";
import { StorageError } from "./storage-error.ts";
import { StorageHealth } from "./storage-health.ts";
import { INCOMING_FOLDER, INDEX_FILE_NAME } from "./storage-layout.ts";
import { StorageLock } from "./storage-lock.ts";
import type { StoreContents } from "./store-contents.ts";
import { checkStoredMetadata, unusableReason } from "./stored-metadata.ts";
import { analyzeUpload, type SignatureCheck, verifyReceivedSignature } from "./upload-analysis.ts";
import { type CheckedUpload, DEFAULT_UPLOAD_WORKERS, UploadWorkerError, UploadWorkers } from "./upload-workers.ts";

export type { ReconcileReport } from "./index-sync.ts";
export { INDEX_FILE_NAME, TEMPORARY_PREFIX } from "./storage-layout.ts";

export interface PluginStoreOptions {
  /** Checks an upload's signature; absent means uploads are not verified (an insecure registry). */
  verifySignature?: SignatureCheck | undefined;
  /** Told about files the store could not use or imported, and why. */
  warn?: (message: string) => void;
  /** Upload time; tests fix it. */
  now?: () => bigint;
  /**
   * secp256k1 public keys (SEC1 points, `TrustedKeys.publicKeys`) that uploads received over
   * HTTP must be signed with, checked in the upload workers. Without them such uploads are checked
   * with `verifySignature`, on the event loop.
   */
  publicKeys?: readonly Uint8Array[] | undefined;
  /** How many threads check and commit uploads received over HTTP (default: one per two cores). */
  uploadWorkers?: number;
  /** Milliseconds on a monotonic clock, for sampling the file system's health; tests move it. */
  clock?: () => number;
  /**
   * Watch the folder for files changed behind the store's back (default true). Without it, or
   * where the file system does not report changes (NFS, for other machines' writes), a damaged
   * `.meta` is noticed when its metadata is served.
   */
  watchFolder?: boolean;
}

const DAMAGED_MESSAGE = "the stored metadata of this plugin is damaged; the server has withdrawn it (its log says why)";

export class PluginStore implements RegistryStore, StoreContents {
  readonly root: string;
  readonly #lock: StorageLock;
  readonly #index: PluginIndex;
  readonly #sync: IndexSync;
  readonly #options: PluginStoreOptions;
  readonly #warn: (message: string) => void;
  readonly #health: StorageHealth;
  readonly #watcher: FolderWatcher;
  readonly #workers: UploadWorkers;
  readonly #incoming: string;
  /** What the last reconcile did; start-up logs it. */
  readonly startup: ReconcileReport;
  #generation = 0;
  #closed = false;

  /** Opens a storage folder; throws StorageInUseError when another store holds it. */
  constructor(root: string, options: PluginStoreOptions = {}) {
    mkdirSync(root, { recursive: true });
    this.root = root;
    this.#options = options;
    this.#warn = options.warn ?? (() => {});
    // Before anything else touches the folder: start-up removes temporary files, which would be another server's.
    this.#lock = StorageLock.acquire(root);
    let index: PluginIndex | undefined;
    try {
      index = new PluginIndex(join(root, INDEX_FILE_NAME));
      this.#incoming = join(root, INCOMING_FOLDER);
      // Whatever is there was being received when the last server stopped.
      rmSync(this.#incoming, { recursive: true, force: true });
      mkdirSync(this.#incoming);
      this.#sync = new IndexSync(root, index, this.#warn, () => {
        this.#generation += 1;
      });
      this.startup = this.#sync.reconcile();
    } catch (error) {
      index?.close();
      this.#lock.release();
      throw error;
    }
    this.#index = index;
    this.#workers = new UploadWorkers(options.uploadWorkers ?? DEFAULT_UPLOAD_WORKERS, {
      publicKeys: options.publicKeys,
    });
    this.#health = new StorageHealth(root, { clock: options.clock, warn: this.#warn });
    this.#watcher =
      options.watchFolder === false
        ? { close() {} }
        : watchStorageFolder(root, (digest) => this.#changed(digest), this.#warn);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher.close();
    this.#workers.close();
    this.#health.close();
    this.#index.close();
    this.#lock.release();
  }

  /** Counts changes (uploads, deletes, reconciles): cached answers are valid while it stays the same. */
  get generation(): number {
    return this.#generation;
  }

  #path(digest: string, extension: "plugin" | "meta"): string {
    return join(this.root, `${checkedDigest(digest)}.${extension}`);
  }

  /** Brings the index in step with the folder, removes what interrupted uploads left and imports orphans. */
  reconcile(): ReconcileReport {
    return this.#sync.reconcile();
  }

  /** The watcher saw one of the digest's files change. */
  #changed(digest: string): void {
    if (this.#closed) return;
    this.#sync.refresh(digest, this.#index.metaMtimeMs(digest), `withdrawing ${digest}:`);
  }

  /**
   * Checks, analyzes and stores an upload (memflow-registry's `upload`, in a crash-safe order).
   * Throws StorageError for a file that is no plugin or is badly signed, and the analyzer's
   * AnalyzeError for a binary it cannot parse.
   */
  upload(file: Uint8Array, signature: string): UploadResponse {
    const descriptors = analyzeUpload(file, signature, this.#options.verifySignature);
    const digest = new Bun.CryptoHasher("sha256").update(file).digest("hex");
    return this.adopt(file, { digest, signature, created_at: this.#createdAt(), descriptors });
  }

  /** Stores a file checked elsewhere (the mirror's pull), with its metadata as given. */
  adopt(file: Uint8Array, meta: PluginMetadata): UploadResponse {
    if (this.#index.has(meta.digest)) return "AlreadyExists";
    const { added } = this.#writing(() =>
      commitUpload(this.root, { bytes: file }, meta, (committed) => {
        this.#sync.put(meta, committed.metaMtimeMs, undefined, committed.metaText);
      }),
    );
    if (!added) return "AlreadyExists";
    this.#generation += 1;
    return "Added";
  }

  /** A new file to receive an upload into (then `uploadReceived`); the caller discards it after. */
  incomingFile(): Promise<IncomingFile> {
    // Flushed as it is finished, on the thread pool: the commit then only renames it.
    return IncomingFile.create(this.#incoming, { flush: true });
  }

  /**
   * `upload` for a file received into `incomingFile()`: checked and committed in an upload
   * worker, off the event loop. Throws as `upload` does, and UploadWorkerError (a server fault).
   */
  async uploadReceived(file: ReceivedFile, signature: string): Promise<UploadResponse> {
    await verifyReceivedSignature(file.path, signature, this.#options.verifySignature, this.#options.publicKeys);
    const job = {
      root: this.root,
      temporaryPath: file.path,
      flushed: file.flushed,
      digest: file.digest,
      signature,
      created_at: this.#createdAt(),
    };
    let checked: CheckedUpload;
    try {
      checked = await this.#workers.run(job);
    } catch (error) {
      if (error instanceof UploadWorkerError) this.#health.recordWrite(error.message);
      throw error;
    }
    if (!checked.added) return "AlreadyExists";
    this.#health.recordWrite();
    // The worker committed the index row too, through its own connection: cached answers are stale.
    this.#generation += 1;
    return "Added";
  }

  #createdAt(): string {
    const now = this.#options.now;
    return (now === undefined ? createdAtNow() : createdAtFromNanoseconds(now())).text;
  }

  has(digest: string): boolean {
    return this.#index.has(checkedDigest(digest));
  }

  /** The path of a stored plugin file; StorageError not-found when there is none. */
  pluginPath(digest: string): string {
    if (!this.has(digest)) throw new StorageError("not-found", "plugin not found");
    return this.#path(digest, "plugin");
  }

  /** A stored file, from the disk; StorageError not-found when there is none. */
  download(digest: string): StoredFile {
    return { body: Bun.file(this.pluginPath(digest)), descriptor: this.firstDescriptor(digest) };
  }

  /** The first descriptor of a stored file, for naming downloads. */
  firstDescriptor(digest: string): PluginDescriptorInfo | undefined {
    return this.#index.firstDescriptor(checkedDigest(digest));
  }

  /**
   * The `.meta` text, exactly as stored, once it is checked: a `.meta` that no longer parses or
   * no longer describes its file is withdrawn from the index and logged, and the caller gets
   * StorageError damaged.
   */
  metadataText(digest: string): string {
    if (!this.has(digest)) throw new StorageError("not-found", "plugin not found");
    const name = `${digest}.meta`;
    try {
      const text = readFileSync(this.#path(digest, "meta"), "utf8");
      checkStoredMetadata(text, name, digest);
      return text;
    } catch (error) {
      const reason = unusableReason(error, name);
      if (reason === undefined) throw error;
      this.#warn(`withdrawing ${digest}: ${reason}`);
      this.#sync.drop(digest);
      throw new StorageError("damaged", DAMAGED_MESSAGE, { cause: error });
    }
  }

  /** Removes a plugin: its `.meta` first (so it is gone even if the rest fails), then the index row and the file. */
  delete(digest: string): void {
    if (!this.has(digest)) throw new StorageError("not-found", "Not found: digest was not found");
    this.#writing(() => {
      rmSync(this.#path(digest, "meta"), { force: true });
      this.#sync.drop(digest);
      rmSync(this.#path(digest, "plugin"), { force: true });
    });
  }

  /** Runs a write to the folder or the index, telling the health check whether it failed. */
  #writing<T>(write: () => T): T {
    let result: T;
    try {
      result = write();
    } catch (error) {
      this.#health.recordWrite(error instanceof Error ? error.message : String(error));
      throw error;
    }
    this.#health.recordWrite();
    return result;
  }

  async indexedDigests(): Promise<string[]> {
    return [...this.#index.files().keys()].sort();
  }

  async storedDigests(): Promise<string[]> {
    const names = await readdir(this.root);
    return names
      .filter((name) => name.endsWith(".plugin") && isSha256Digest(name.slice(0, -".plugin".length)))
      .map((name) => name.slice(0, -".plugin".length))
      .sort();
  }

  async storedMetadata(digest: string): Promise<string | undefined> {
    return Bun.file(this.#path(digest, "meta"))
      .text()
      .catch(() => undefined);
  }

  async storedBytes(digest: string): Promise<Uint8Array | undefined> {
    return Bun.file(this.#path(digest, "plugin"))
      .bytes()
      .catch(() => undefined);
  }

  names(): PluginInfo[] {
    return this.#index.names();
  }

  find(name: string, params: VariantQuery): { plugins: PluginVariant[]; total: number } {
    return this.#index.find(name, params);
  }

  /** `find` with each variant's byte order, which the registry's JSON does not carry (the web UI shows it). */
  listed(name: string, params: VariantQuery): { plugins: ListedVariant[]; total: number } {
    return this.#index.listed(name, params);
  }

  /**
   * memflow-registry's health check (the folder can be listed), answered from memory: the index
   * is open, the last write did not fail, the file system was reachable with room to spare when
   * last sampled (storage-health.ts).
   */
  healthy(): boolean {
    return this.#health.problem() === undefined;
  }
}

/**
 * The registry's storage when one machine is not enough: the index in PostgreSQL, the files in
 * an S3-compatible bucket, any number of servers on both. Order of an upload: the object is put
 * under its digest first, the index row committed after, so a listed file always exists; a crash
 * between them leaves an object nobody lists (never served; `check` reports it). A delete removes
 * the row first, then the object. Nothing a server keeps in memory outlives another server's
 * change: listings are dropped on PostgreSQL's NOTIFY, and a download asks the index each time.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createdAtNow, formatPluginMetadata, type PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import { type ByteOrder, byteOrderOfBytes } from "../byte-order.ts";
import { checkedDigest } from "../checked-digest.ts";
import { IncomingFile, type ReceivedFile } from "../incoming-file.ts";
import type { RegistryStore, StoredFile } from "../registry-store.ts";
import { StorageError } from "../storage-error.ts";
import { SHARED_INCOMING_FOLDER } from "../storage-layout.ts";
import type { StoreContents } from "../store-contents.ts";
import { type SignatureCheck, verifyReceivedSignature } from "../upload-analysis.ts";
import { DEFAULT_UPLOAD_WORKERS, UploadWorkers } from "../upload-workers.ts";
import type { ListedVariant, VariantQuery } from "../variant-query.ts";
import type { BlobStore } from "./blob-store.ts";
import { GARBAGE_SWEEP_LOCK, GarbageSweep } from "./garbage-sweep.ts";
import { PostgresIndex } from "./postgres-index.ts";
import { SharedHealth } from "./shared-health.ts";
import { StreamedObjects } from "./streamed-objects.ts";

/** A server's receiving folder this old is a crashed server's: the next server to start removes it. */
const ABANDONED_INCOMING_MS = 24 * 60 * 60 * 1000;

/** Makes this server's receiving folder below `root`, removing ones servers left a day or more ago. */
function receivingFolder(root: string): string {
  const parent = join(root, SHARED_INCOMING_FOLDER);
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age >= ABANDONED_INCOMING_MS) rmSync(path, { recursive: true, force: true });
  }
  return mkdtempSync(join(parent, `${process.pid}-`));
}

export interface SharedStoreOptions {
  /** PostgreSQL's URL (DATABASE_URL). */
  databaseUrl: string;
  blobs: BlobStore;
  verifySignature?: SignatureCheck | undefined;
  /** secp256k1 public keys the upload workers check uploads with (see PluginStoreOptions). */
  publicKeys?: readonly Uint8Array[] | undefined;
  warn?: (message: string) => void;
  uploadWorkers?: number;
  /** Where this server receives uploads, in a folder of its own below this one (the storage folder). */
  receiveIn: string;
  /** Redirect downloads to presigned URLs valid this many seconds (absent: send the bytes). */
  redirectSeconds?: number | undefined;
  /** Collect unlisted objects this often, older than `graceSeconds` (garbage-sweep.ts); absent or 0: never. */
  collectGarbage?: { everySeconds: number; graceSeconds: number } | undefined;
}

export class SharedStore implements RegistryStore, StoreContents {
  readonly #index: PostgresIndex;
  readonly #blobs: BlobStore;
  readonly #options: SharedStoreOptions;
  readonly #warn: (message: string) => void;
  readonly #workers: UploadWorkers;
  readonly #health: SharedHealth;
  readonly #streamed: StreamedObjects;
  readonly #sweep: GarbageSweep | undefined;
  /** This server's uploads being received; a folder of its own, so servers on one machine never meet. */
  readonly #incoming: string;
  #generation = 0;

  private constructor(index: PostgresIndex, options: SharedStoreOptions) {
    this.#index = index;
    this.#blobs = options.blobs;
    this.#options = options;
    this.#warn = options.warn ?? (() => {});
    this.#workers = new UploadWorkers(options.uploadWorkers ?? DEFAULT_UPLOAD_WORKERS, {
      publicKeys: options.publicKeys,
    });
    this.#health = new SharedHealth(() => index.ping(), this.#warn);
    this.#incoming = receivingFolder(options.receiveIn);
    this.#streamed = new StreamedObjects(options.blobs, this.#warn);
    const collecting = options.collectGarbage;
    this.#sweep =
      collecting === undefined || collecting.everySeconds === 0
        ? undefined
        : new GarbageSweep({
            everyMs: collecting.everySeconds * 1000,
            graceMs: collecting.graceSeconds * 1000,
            whileLocked: (sweep) => index.whileLocked(GARBAGE_SWEEP_LOCK, sweep),
            collect: (before) => this.collectGarbage(before),
            log: this.#warn,
          });
  }

  /** Connects to PostgreSQL and brings its schema up to date (under an advisory lock). */
  static async open(options: SharedStoreOptions): Promise<SharedStore> {
    let store: SharedStore | undefined;
    const index = await PostgresIndex.open(options.databaseUrl, () => {
      if (store) store.#generation += 1;
    });
    store = new SharedStore(index, options);
    return store;
  }

  async close(): Promise<void> {
    await this.#sweep?.close();
    this.#workers.close();
    this.#health.close();
    rmSync(this.#incoming, { recursive: true, force: true });
    await this.#index.close();
  }

  get generation(): number {
    return this.#generation;
  }

  readonly confirmStored = async (digest: string): Promise<void> => {
    if (!(await this.#index.has(checkedDigest(digest)))) throw new StorageError("not-found", "plugin not found");
  };

  get downloadRedirect(): ((digest: string) => Promise<string>) | undefined {
    const seconds = this.#options.redirectSeconds;
    if (seconds === undefined) return undefined;
    return async (digest) => {
      await this.confirmStored(digest);
      return this.#blobs.presignedUrl(digest, seconds);
    };
  }

  names(): Promise<PluginInfo[]> {
    return this.#index.names();
  }

  find(name: string, params: VariantQuery): Promise<{ plugins: PluginVariant[]; total: number }> {
    return this.#index.find(name, params);
  }

  listed(name: string, params: VariantQuery): Promise<{ plugins: ListedVariant[]; total: number }> {
    return this.#index.listed(name, params);
  }

  /**
   * The file's object, streamed from the bucket (streamed-objects.ts): one hashed against the
   * digest once per process, then sent only while unchanged; missing or altered is StorageError damaged.
   */
  async download(digest: string): Promise<StoredFile> {
    const [file, descriptor] = await Promise.all([
      this.#index.file(checkedDigest(digest)),
      this.#index.firstDescriptor(digest),
    ]);
    if (file === undefined) throw new StorageError("not-found", "plugin not found");
    return { body: await this.#streamed.body(digest), descriptor };
  }

  async metadataText(digest: string): Promise<string> {
    const file = await this.#index.file(checkedDigest(digest));
    if (file === undefined) throw new StorageError("not-found", "plugin not found");
    return file.meta;
  }

  /** The index row first (the plugin is gone for every server at once), then the object. */
  async delete(digest: string): Promise<void> {
    const removed = await this.#writing(() => this.#index.remove(checkedDigest(digest)));
    if (!removed) throw new StorageError("not-found", "Not found: digest was not found");
    this.#generation += 1;
    this.#streamed.forget(digest);
    await this.#writing(() => this.#blobs.delete(digest));
  }

  incomingFile(): Promise<IncomingFile> {
    // Not flushed: its bytes go to the bucket, never to a name in this folder.
    return IncomingFile.create(this.#incoming, { flush: false });
  }

  /** Checks the upload in a worker, then stores it. */
  async uploadReceived(file: ReceivedFile, signature: string): Promise<UploadResponse> {
    await verifyReceivedSignature(file.path, signature, this.#options.verifySignature, this.#options.publicKeys);
    const job = {
      root: undefined,
      temporaryPath: file.path,
      flushed: file.flushed,
      digest: file.digest,
      signature,
      created_at: createdAtNow().text,
    };
    const { meta, byteOrder } = await this.#workers.run(job);
    return this.#store(meta, Bun.file(file.path), byteOrder);
  }

  /** Stores a file checked elsewhere (the mirror's pull), with its metadata as given. */
  adopt(bytes: Uint8Array, meta: PluginMetadata): Promise<UploadResponse> {
    return this.#store(meta, new Blob([bytes]), byteOrderOfBytes(bytes));
  }

  /** The object first, then the row: a listed file always exists. A lost race is "AlreadyExists". */
  async #store(meta: PluginMetadata, body: Blob, byteOrder: ByteOrder): Promise<UploadResponse> {
    if (await this.#index.has(meta.digest)) return "AlreadyExists";
    const added = await this.#writing(async () => {
      await this.#blobs.put(meta.digest, body);
      return this.#index.insert(meta, formatPluginMetadata(meta, "compact"), body.size, byteOrder);
    });
    if (added) this.#generation += 1;
    return added ? "Added" : "AlreadyExists";
  }

  /** Runs a write to the index or the bucket, telling the health check whether it failed. */
  async #writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      this.#health.recordWrite();
      return result;
    } catch (error) {
      if (!(error instanceof StorageError))
        this.#health.recordWrite(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  indexedDigests(): Promise<string[]> {
    return this.#index.digests();
  }

  async storedDigests(): Promise<string[]> {
    return (await this.#blobs.objects()).map((object) => object.digest).sort();
  }

  /**
   * Removes objects no index row lists that were written before `before`: crash leftovers. A
   * younger one may be an upload in flight, whose row is about to be committed. Answers their digests.
   */
  async collectGarbage(before: Date): Promise<string[]> {
    const [objects, indexed] = await Promise.all([this.#blobs.objects(), this.#index.digests()]);
    const listed = new Set(indexed);
    const garbage = objects.filter((object) => !listed.has(object.digest) && object.modifiedAt < before);
    for (const { digest } of garbage) {
      // Listed meanwhile (an upload of the same bytes): it is no longer garbage.
      if (!(await this.#index.has(digest))) await this.#blobs.delete(digest);
    }
    return garbage.map((object) => object.digest);
  }

  async storedMetadata(digest: string): Promise<string | undefined> {
    return (await this.#index.file(checkedDigest(digest)))?.meta;
  }

  storedBytes(digest: string): Promise<Uint8Array | undefined> {
    return this.#blobs.read(checkedDigest(digest));
  }

  healthy(): boolean {
    return this.#health.problem() === undefined;
  }
}

/**
 * The registry's storage: memflow-registry's flat folder of `<digest>.plugin` and `<digest>.meta`
 * files, plus an SQLite index beside them. The files are the truth; the index is a cache that
 * start-up brings back in step by reading only `.meta` files it has not seen at their mtime, and
 * that a watcher keeps in step while the server runs.
 *
 * Crash safety comes from the order of writes (commit-upload.ts): the `.plugin` is complete
 * before the `.meta` names it, and the `.meta` exists before the index row. One server holds a
 * folder at a time (storage-lock.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { createFileDurably } from "@memflow-ts/core/install";
import {
  createdAtFromNanoseconds,
  createdAtNow,
  formatPluginMetadata,
  type PluginMetadata,
} from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginsFindQuery, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import { checkedDigest } from "./checked-digest.ts";
import { commitUpload } from "./commit-upload.ts";
import { type FolderWatcher, watchStorageFolder } from "./folder-watcher.ts";
import { PluginIndex } from "./plugin-index.ts";
import { StorageError } from "./storage-error.ts";
import { StorageHealth } from "./storage-health.ts";
import {
  committingDigest,
  INDEX_FILE_NAME,
  storedFileName,
  TEMPORARY_PREFIX,
  temporaryName,
} from "./storage-layout.ts";
import { StorageLock } from "./storage-lock.ts";
import { checkStoredMetadata, importedMetadata, readStoredMetadata, unusableReason } from "./stored-metadata.ts";
import { analyzeUpload, type SignatureCheck } from "./upload-analysis.ts";

export { INDEX_FILE_NAME, TEMPORARY_PREFIX } from "./storage-layout.ts";

export interface PluginStoreOptions {
  /** Checks an upload's signature; absent means uploads are not verified (an insecure registry). */
  verifySignature?: SignatureCheck | undefined;
  /** Told about files the store could not use or imported, and why. */
  warn?: (message: string) => void;
  /** Upload time; tests fix it. */
  now?: () => bigint;
  /** Milliseconds on a monotonic clock, for sampling the file system's health; tests move it. */
  clock?: () => number;
  /**
   * Watch the folder for files changed behind the store's back (default true). Without it, or
   * where the file system does not report changes (NFS, for other machines' writes), a damaged
   * `.meta` is noticed when its metadata is served.
   */
  watchFolder?: boolean;
}

export interface ReconcileReport {
  indexed: number;
  parsed: number;
  /** `.meta` files (and `.plugin` files without one) that could not be used; they are left in place. */
  dropped: number;
  /** Temporary files, and `.plugin` files of uploads a crash cut before their `.meta`. */
  removedPartial: number;
  /** `.plugin` files without a `.meta` (a memflow-registry volume's) that got one. */
  imported: number;
}

/** What refreshing one file's index rows did. */
type Refreshed = "unchanged" | "indexed" | "dropped" | "absent";

const DAMAGED_MESSAGE = "the stored metadata of this plugin is damaged; the server has withdrawn it (its log says why)";

export class PluginStore {
  readonly root: string;
  readonly #lock: StorageLock;
  readonly #index: PluginIndex;
  readonly #options: PluginStoreOptions;
  readonly #warn: (message: string) => void;
  readonly #health: StorageHealth;
  readonly #watcher: FolderWatcher;
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
    try {
      this.#index = new PluginIndex(join(root, INDEX_FILE_NAME));
    } catch (error) {
      this.#lock.release();
      throw error;
    }
    this.startup = this.reconcile();
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
    const report: ReconcileReport = { indexed: 0, parsed: 0, dropped: 0, removedPartial: 0, imported: 0 };
    const names = new Set(readdirSync(this.root));
    const known = this.#index.files();
    const interrupted = new Set<string>();
    for (const name of names) {
      if (!name.startsWith(TEMPORARY_PREFIX)) continue;
      const digest = committingDigest(name);
      if (digest !== undefined) interrupted.add(digest);
      rmSync(join(this.root, name), { force: true });
      report.removedPartial += 1;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const stored = storedFileName(name);
      if (stored === undefined) continue;
      const { digest } = stored;
      if (stored.kind === "plugin") {
        if (names.has(`${digest}.meta`)) continue;
        if (interrupted.has(digest)) {
          rmSync(join(this.root, name), { force: true });
          report.removedPartial += 1;
        } else if (this.#import(digest)) {
          seen.add(digest);
          report.imported += 1;
          report.indexed += 1;
        } else {
          report.dropped += 1;
        }
        continue;
      }
      // memflow-registry's delete left `.meta` files behind; without their `.plugin` they are not served.
      if (!names.has(`${digest}.plugin`)) {
        report.dropped += 1;
        continue;
      }
      const refreshed = this.#refresh(digest, known.get(digest), "ignoring");
      if (refreshed === "dropped" || refreshed === "absent") {
        report.dropped += 1;
        continue;
      }
      seen.add(digest);
      report.indexed += 1;
      if (refreshed === "indexed") report.parsed += 1;
    }
    for (const digest of known.keys()) if (!seen.has(digest)) this.#index.remove(digest);
    this.#generation += 1;
    return report;
  }

  /** Writes and indexes the `.meta` of a `.plugin` found without one; false (and a warning) when it is no plugin. */
  #import(digest: string): boolean {
    const name = `${digest}.plugin`;
    let meta: PluginMetadata;
    try {
      meta = importedMetadata(this.#path(digest, "plugin"), digest);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.#warn(`leaving ${name} alone (it has no .meta, and cannot be given one): ${error.message}`);
      return false;
    }
    const metaPath = this.#path(digest, "meta");
    createFileDurably(metaPath, formatPluginMetadata(meta, "compact"), { temporaryName });
    this.#index.put(meta, statSync(metaPath).mtimeMs);
    const names = meta.descriptors.map((descriptor) => `${descriptor.name} ${descriptor.version}`).join(", ");
    this.#warn(`imported ${name}, which had no .meta: ${names}; created_at from its mtime, no signature`);
    return true;
  }

  /**
   * Brings one file's index rows in step with its `.meta`: re-reads a `.meta` whose mtime is not
   * the indexed one, and drops the rows of one that is gone, no longer parses or no longer
   * describes its file (`verb` says so in the warning).
   */
  #refresh(digest: string, indexedMtime: number | undefined, verb: string): Refreshed {
    const name = `${digest}.meta`;
    const path = this.#path(digest, "meta");
    const missing = [`${digest}.plugin`, name].find((file) => !existsSync(join(this.root, file)));
    if (missing !== undefined) {
      if (indexedMtime === undefined) return "absent";
      this.#warn(`${verb} ${missing} is gone`);
      this.#drop(digest);
      return "absent";
    }
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch (error) {
      this.#warn(`${verb} ${unusableReason(error, name) ?? name}`);
      if (indexedMtime !== undefined) this.#drop(digest);
      return "dropped";
    }
    if (indexedMtime === mtime) return "unchanged";
    try {
      this.#index.put(readStoredMetadata(path, name, digest), mtime);
      this.#generation += 1;
      return "indexed";
    } catch (error) {
      const reason = unusableReason(error, name);
      if (reason === undefined) throw error;
      this.#warn(`${verb} ${reason}`);
      if (indexedMtime !== undefined) this.#drop(digest);
      return "dropped";
    }
  }

  #drop(digest: string): void {
    this.#index.remove(digest);
    this.#generation += 1;
  }

  /** The watcher saw one of the digest's files change. */
  #changed(digest: string): void {
    if (this.#closed) return;
    this.#refresh(digest, this.#index.metaMtimeMs(digest), `withdrawing ${digest}:`);
  }

  /**
   * Checks, analyzes and stores an upload (memflow-registry's `upload`, in a crash-safe order).
   * Throws StorageError for a file that is no plugin or is badly signed, and the analyzer's
   * AnalyzeError for a binary it cannot parse.
   */
  upload(file: Uint8Array, signature: string): UploadResponse {
    const descriptors = analyzeUpload(file, signature, this.#options.verifySignature);
    const digest = new Bun.CryptoHasher("sha256").update(file).digest("hex");
    if (this.#index.has(digest)) return "AlreadyExists";
    const now = this.#options.now;
    const meta: PluginMetadata = {
      digest,
      signature,
      created_at: (now === undefined ? createdAtNow() : createdAtFromNanoseconds(now())).text,
      descriptors,
    };
    const { added, metaMtimeMs } = this.#writing(() => commitUpload(this.root, { bytes: file }, meta));
    if (!added) return "AlreadyExists";
    this.#index.put(meta, metaMtimeMs);
    this.#generation += 1;
    return "Added";
  }

  has(digest: string): boolean {
    return this.#index.has(checkedDigest(digest));
  }

  /** The path of a stored plugin file; StorageError not-found when there is none. */
  pluginPath(digest: string): string {
    if (!this.has(digest)) throw new StorageError("not-found", "plugin not found");
    return this.#path(digest, "plugin");
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
      this.#drop(digest);
      throw new StorageError("damaged", DAMAGED_MESSAGE, { cause: error });
    }
  }

  /** Removes a plugin: its `.meta` first (so it is gone even if the rest fails), then the index row and the file. */
  delete(digest: string): void {
    if (!this.has(digest)) throw new StorageError("not-found", "Not found: digest was not found");
    this.#writing(() => {
      rmSync(this.#path(digest, "meta"), { force: true });
      this.#drop(digest);
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

  names(): PluginInfo[] {
    return this.#index.names();
  }

  find(name: string, params: PluginsFindQuery): { plugins: PluginVariant[]; total: number } {
    return this.#index.find(name, params);
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

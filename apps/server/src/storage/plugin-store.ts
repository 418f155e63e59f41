/**
 * The registry's storage: memflow-registry's flat folder of `<digest>.plugin` and `<digest>.meta`
 * files, plus an SQLite index beside them. The files are the truth; the index is a cache that
 * start-up brings back in step by reading only `.meta` files it has not seen at their mtime.
 *
 * Crash safety comes from the order of writes: the `.plugin` is complete before the `.meta`
 * names it, and the `.meta` exists before the index row. A `.plugin` without a `.meta` is an
 * unfinished upload and is invisible; start-up removes it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { isBinary, type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { createFileDurably, replaceFileDurably } from "@memflow-ts/core/install";
import {
  completePluginMetadata,
  createdAtFromNanoseconds,
  createdAtNow,
  formatPluginMetadata,
  MemflowError,
  type PluginMetadata,
  parsePluginMetadata,
} from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginsFindQuery, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import { checkedDigest } from "./checked-digest.ts";
import { PluginIndex } from "./plugin-index.ts";
import { StorageError } from "./storage-error.ts";
import { StorageHealth } from "./storage-health.ts";

/** The index's file name inside the storage folder; memflow-registry ignores everything but `*.meta`. */
export const INDEX_FILE_NAME = ".memflow-ts-index.sqlite";

/** Prefix of temporary files; start-up removes any a crash left behind. */
export const TEMPORARY_PREFIX = ".incoming-";
const temporaryName = (finalName: string) => `${TEMPORARY_PREFIX}${process.pid}-${crypto.randomUUID()}-${finalName}`;

export interface PluginStoreOptions {
  /** Checks an upload's signature; absent means uploads are not verified (an insecure registry). */
  verifySignature?: ((file: Uint8Array, signature: string) => boolean) | undefined;
  /** Told about `.meta` files start-up could not use, and why. */
  warn?: (message: string) => void;
  /** Upload time; tests fix it. */
  now?: () => bigint;
  /** Milliseconds on a monotonic clock, for sampling the file system's health; tests move it. */
  clock?: () => number;
}

export interface ReconcileReport {
  indexed: number;
  parsed: number;
  dropped: number;
  removedPartial: number;
}

/** An error of a file operation (it carries Node's errno code). */
function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

/** A stored `.meta`: complete, and describing the file it is named after. */
function readStoredMetadata(path: string, name: string, digest: string): PluginMetadata {
  const meta = completePluginMetadata(parsePluginMetadata(readFileSync(path, "utf8"), name), name);
  if (meta.digest !== digest)
    throw new MemflowError("Inventory", "UnableToReadFile", `${name} describes ${meta.digest}`);
  return meta;
}

export class PluginStore {
  readonly root: string;
  readonly #index: PluginIndex;
  readonly #options: PluginStoreOptions;
  readonly #health: StorageHealth;
  /** What the last reconcile did; start-up logs it. */
  readonly startup: ReconcileReport;
  #generation = 0;

  constructor(root: string, options: PluginStoreOptions = {}) {
    mkdirSync(root, { recursive: true });
    this.root = root;
    this.#options = options;
    this.#index = new PluginIndex(join(root, INDEX_FILE_NAME));
    this.startup = this.reconcile();
    this.#health = new StorageHealth(root, { clock: options.clock, warn: options.warn });
  }

  close(): void {
    this.#health.close();
    this.#index.close();
  }

  /** Counts changes (uploads, deletes, reconciles): cached answers are valid while it stays the same. */
  get generation(): number {
    return this.#generation;
  }

  #path(digest: string, extension: "plugin" | "meta"): string {
    return join(this.root, `${checkedDigest(digest)}.${extension}`);
  }

  /** Brings the index in step with the folder and removes what interrupted uploads left. */
  reconcile(): ReconcileReport {
    const report: ReconcileReport = { indexed: 0, parsed: 0, dropped: 0, removedPartial: 0 };
    const names = new Set(readdirSync(this.root));
    const known = this.#index.files();
    const seen = new Set<string>();
    for (const name of names) {
      if (name.startsWith(TEMPORARY_PREFIX)) {
        rmSync(join(this.root, name), { force: true });
        report.removedPartial += 1;
        continue;
      }
      const match = /^([0-9a-f]{64})\.(meta|plugin)$/.exec(name);
      if (!match?.[1]) continue;
      const digest = match[1];
      if (match[2] === "plugin") {
        if (!names.has(`${digest}.meta`)) {
          rmSync(join(this.root, name), { force: true });
          report.removedPartial += 1;
        }
        continue;
      }
      // memflow-registry's delete left `.meta` files behind; without their `.plugin` they are not served.
      if (!names.has(`${digest}.plugin`)) {
        report.dropped += 1;
        continue;
      }
      const mtime = statSync(join(this.root, name)).mtimeMs;
      seen.add(digest);
      report.indexed += 1;
      if (known.get(digest) === mtime) continue;
      try {
        const meta = readStoredMetadata(join(this.root, name), name, digest);
        this.#index.put(meta, mtime);
        report.parsed += 1;
      } catch (error) {
        seen.delete(digest);
        report.indexed -= 1;
        report.dropped += 1;
        // A `.meta` memflow cannot read, or one the file system will not give: drop that file, keep the rest.
        if (error instanceof MemflowError) this.#options.warn?.(`ignoring ${error.detail ?? name}`);
        else if (isFileError(error)) this.#options.warn?.(`ignoring ${name}: ${error.message}`);
        else throw error;
      }
    }
    for (const digest of known.keys()) if (!seen.has(digest)) this.#index.remove(digest);
    this.#generation += 1;
    return report;
  }

  /**
   * Checks, analyzes and stores an upload (memflow-registry's `upload`, in a crash-safe order).
   * Throws StorageError for a file that is no plugin or is badly signed, and the analyzer's
   * AnalyzeError for a binary it cannot parse.
   */
  upload(file: Uint8Array, signature: string): UploadResponse {
    if (!isBinary(file)) {
      throw new StorageError("bad-plugin", "Memflow error: the file is not an ELF, PE or Mach-O binary");
    }
    const verify = this.#options.verifySignature;
    if (verify && !verify(file, signature)) {
      throw new StorageError("bad-signature", "Signature error: file signature is invalid");
    }
    const descriptors = parseDescriptors(file);
    if (descriptors.length === 0) {
      throw new StorageError(
        "bad-plugin",
        "Memflow error: the file has no memflow plugin descriptor (no MEMFLOW_CONNECTOR_* or MEMFLOW_OS_* export)",
      );
    }
    const digest = new Bun.CryptoHasher("sha256").update(file).digest("hex");
    const metaPath = this.#path(digest, "meta");
    if (this.#index.has(digest)) return "AlreadyExists";
    // A `.meta` the index does not know is a leftover start-up refused (memflow-registry's deletes
    // leave them, without the file); the new upload takes its place.
    if (existsSync(metaPath)) rmSync(metaPath);
    const now = this.#options.now;
    const meta: PluginMetadata = {
      digest,
      signature,
      created_at: (now === undefined ? createdAtNow() : createdAtFromNanoseconds(now())).text,
      descriptors,
    };
    const added = this.#writing(() => {
      // Identical bytes under the same name: replacing a twin's finished `.plugin` changes nothing.
      replaceFileDurably(this.#path(digest, "plugin"), file, { temporaryName });
      if (!createFileDurably(metaPath, formatPluginMetadata(meta, "compact"), { temporaryName })) return false;
      this.#index.put(meta, statSync(metaPath).mtimeMs);
      return true;
    });
    if (!added) return "AlreadyExists";
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

  /** The `.meta` text, exactly as stored. */
  metadataText(digest: string): string {
    if (!this.has(digest)) throw new StorageError("not-found", "plugin not found");
    return readFileSync(this.#path(digest, "meta"), "utf8");
  }

  /** Removes a plugin: its `.meta` first (so it is gone even if the rest fails), then the index row and the file. */
  delete(digest: string): void {
    if (!this.has(digest)) throw new StorageError("not-found", "Not found: digest was not found");
    this.#writing(() => {
      rmSync(this.#path(digest, "meta"), { force: true });
      this.#index.remove(digest);
      this.#generation += 1;
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

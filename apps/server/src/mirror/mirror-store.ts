/**
 * A pull-through mirror around either store: what this server lacks it asks its upstream
 * registry for, checks (upstream-registry.ts), stores, and serves from then on; listings merge
 * this server's entries, first, with the upstream's. When the upstream cannot be reached, listings
 * carry on with the local entries (and the log says why); a download of a file only the upstream
 * has is then a 502. Everything else (uploads, deletes, operator tools) is the local store's.
 */
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginVariant, UploadResponse } from "@memflow-ts/core/registry";
import { FIND_LIMIT } from "@memflow-ts/core/registry";
import type { IncomingFile, ReceivedFile } from "../storage/incoming-file.ts";
import type { RegistryStore, StoredFile } from "../storage/registry-store.ts";
import { StorageError } from "../storage/storage-error.ts";
import type { StoreContents } from "../storage/store-contents.ts";
import type { VariantQuery } from "../storage/variant-query.ts";
import { MirrorError } from "./mirror-error.ts";
import type { UpstreamRegistry } from "./upstream-registry.ts";

/** Cached listings are also dropped this often: the upstream's change without telling this server. */
export const UPSTREAM_LISTING_TTL_MS = 30_000;

function isNotFound(error: unknown): boolean {
  return error instanceof StorageError && error.reason === "not-found";
}

export class MirrorStore implements RegistryStore {
  readonly #local: RegistryStore;
  readonly #upstream: UpstreamRegistry;
  readonly #warn: (message: string) => void;
  readonly #clock: () => number;

  constructor(local: RegistryStore, upstream: UpstreamRegistry, warn: (message: string) => void, clock = Date.now) {
    this.#local = local;
    this.#upstream = upstream;
    this.#warn = warn;
    this.#clock = clock;
  }

  /** Local changes, and a tick per TTL for the upstream's. */
  get generation(): number {
    return this.#local.generation * 2 ** 32 + Math.floor(this.#clock() / UPSTREAM_LISTING_TTL_MS);
  }

  readonly confirmStored = async (digest: string): Promise<void> => {
    await this.#pulled(digest, async () => this.#local.confirmStored?.(digest));
  };

  get downloadRedirect(): RegistryStore["downloadRedirect"] {
    const redirect = this.#local.downloadRedirect;
    return redirect && ((digest: string) => this.#pulled(digest, () => redirect(digest)));
  }

  /** `read()`, after pulling the file from the upstream when the local store has none. */
  async #pulled<T>(digest: string, read: () => Promise<T> | T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const { bytes, meta } = await this.#upstream.file(digest);
    const added = await this.#local.adopt(bytes, meta);
    if (added === "Added") this.#warn(`mirrored ${digest} from ${this.#upstream.base}`);
    return read();
  }

  /** The upstream's answer, or `fallback` when it cannot be reached (logged). */
  async #fromUpstream<T>(ask: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await ask();
    } catch (error) {
      if (!(error instanceof MirrorError) && !isNotFound(error)) throw error;
      if (error instanceof MirrorError) this.#warn(`listing without the upstream: ${error.message}`);
      return fallback;
    }
  }

  async names(): Promise<PluginInfo[]> {
    const [local, upstream] = await Promise.all([
      this.#local.names(),
      this.#fromUpstream(() => this.#upstream.names(), []),
    ]);
    const known = new Set(local.map((entry) => entry.name));
    return [...local, ...upstream.filter((entry) => !known.has(entry.name))];
  }

  /**
   * Local variants first, then the upstream's that are not local. The page is cut from the merged
   * list; the upstream is asked for as many as the page could need (at most its limit of 50).
   */
  async find(name: string, params: VariantQuery): Promise<{ plugins: PluginVariant[]; total: number }> {
    const skip = params.skip ?? 0;
    const limit = params.limit ?? FIND_LIMIT.DEFAULT;
    const wanted = { ...params, skip: 0, limit: Math.min(FIND_LIMIT.MAX, skip + limit) };
    const [local, upstream] = await Promise.all([
      this.#local.find(name, { ...params, skip: 0, limit: skip + limit }),
      this.#fromUpstream(() => this.#upstream.find(name, wanted), { plugins: [], total: 0 }),
    ]);
    const known = new Set(local.plugins.map((variant) => variant.digest));
    const extra = upstream.plugins.filter((variant) => !known.has(variant.digest));
    const merged = [...local.plugins, ...extra];
    const total = local.total + upstream.total - (upstream.plugins.length - extra.length);
    return { plugins: merged.slice(skip, skip + limit), total };
  }

  /** The web UI's list: the files this server holds (the upstream's JSON carries no byte order). */
  listed(name: string, params: VariantQuery) {
    return this.#local.listed(name, params);
  }

  download(digest: string): Promise<StoredFile> {
    return this.#pulled(digest, () => this.#local.download(digest));
  }

  metadataText(digest: string): Promise<string> {
    return this.#pulled(digest, () => this.#local.metadataText(digest));
  }

  delete(digest: string) {
    return this.#local.delete(digest);
  }

  incomingFile(): Promise<IncomingFile> {
    return this.#local.incomingFile();
  }

  uploadReceived(file: ReceivedFile, signature: string): Promise<UploadResponse> {
    return this.#local.uploadReceived(file, signature);
  }

  adopt(file: Uint8Array, meta: PluginMetadata) {
    return this.#local.adopt(file, meta);
  }

  healthy(): boolean {
    return this.#local.healthy();
  }

  close() {
    return this.#local.close();
  }

  indexedDigests(): Promise<string[]> {
    return this.#local.indexedDigests();
  }

  storedDigests(): Promise<string[]> {
    return this.#local.storedDigests();
  }

  storedMetadata(digest: string): Promise<string | undefined> {
    return this.#local.storedMetadata(digest);
  }

  storedBytes(digest: string): Promise<Uint8Array | undefined> {
    return this.#local.storedBytes(digest);
  }

  get collectGarbage(): StoreContents["collectGarbage"] {
    const local = this.#local;
    const collect = local.collectGarbage;
    return collect && ((before: Date) => collect.call(local, before));
  }
}

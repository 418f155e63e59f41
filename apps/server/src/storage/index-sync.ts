/**
 * Keeps the index in step with the folder's files, which are the truth: at start-up for the whole
 * folder (temporary files swept, uploads' unflushed `.meta` files checked and restored from the
 * index, `.plugin` files without a `.meta` imported, new or changed `.meta` files read), and one
 * digest at a time when the folder watcher or a request notices a change.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createFileDurably } from "@memflow-ts/core/install";
import { formatPluginMetadata, type PluginMetadata, printable } from "@memflow-ts/core/plugin-files";
import { byteOrderOfFile } from "./byte-order.ts";
import type { PluginIndex } from "./plugin-index.ts";
import { StorageError } from "./storage-error.ts";
import { committingDigest, storedFileName, TEMPORARY_PREFIX, temporaryName } from "./storage-layout.ts";
import { importedMetadata, readStoredMetadata, unusableReason } from "./stored-metadata.ts";
import { restoreUnflushedMetas } from "./unflushed-meta.ts";

export interface ReconcileReport {
  indexed: number;
  parsed: number;
  /** `.meta` files (and `.plugin` files without one) that could not be used; they are left in place. */
  dropped: number;
  /** Temporary files, and `.plugin` files of uploads a crash cut before their `.meta`. */
  removedPartial: number;
  /** `.plugin` files without a `.meta` (a memflow-registry volume's) that got one. */
  imported: number;
  /** Uploads' `.meta` files a crash left missing, empty or torn, written again from the index. */
  restored: number;
}

/** What refreshing one file's index rows did. */
export type Refreshed = "unchanged" | "indexed" | "dropped" | "absent";

export class IndexSync {
  readonly #root: string;
  readonly #index: PluginIndex;
  readonly #warn: (message: string) => void;
  readonly #changed: () => void;

  /** `changed` is called whenever the index's content changes. */
  constructor(root: string, index: PluginIndex, warn: (message: string) => void, changed: () => void) {
    this.#root = root;
    this.#index = index;
    this.#warn = warn;
    this.#changed = changed;
  }

  /** The whole folder: removes what interrupted uploads left, imports orphans, reads what changed. */
  reconcile(): ReconcileReport {
    const report: ReconcileReport = { indexed: 0, parsed: 0, dropped: 0, removedPartial: 0, imported: 0, restored: 0 };
    const names = new Set(readdirSync(this.#root));
    const known = this.#index.files();
    const interrupted = new Set<string>();
    for (const name of names) {
      if (!name.startsWith(TEMPORARY_PREFIX)) continue;
      const digest = committingDigest(name);
      if (digest !== undefined) interrupted.add(digest);
      rmSync(join(this.#root, name), { force: true });
      report.removedPartial += 1;
    }
    for (const digest of restoreUnflushedMetas(this.#root, this.#index, names)) {
      this.#warn(`restored ${digest}.meta from the index: a crash had left it missing, empty or torn`);
      report.restored += 1;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const stored = storedFileName(name);
      if (stored === undefined) continue;
      const { digest } = stored;
      if (stored.kind === "plugin") {
        if (names.has(`${digest}.meta`)) continue;
        if (interrupted.has(digest)) {
          rmSync(join(this.#root, name), { force: true });
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
      const refreshed = this.refresh(digest, known.get(digest), "ignoring");
      if (refreshed === "dropped" && interrupted.has(digest) && !known.has(digest)) {
        // A crash before the upload's index row (it was not answered): its `.meta` was never
        // flushed and the index cannot restore it. The upload is removed, as one cut earlier is.
        rmSync(join(this.#root, name), { force: true });
        rmSync(join(this.#root, `${digest}.plugin`), { force: true });
        this.#warn(`removed ${digest}: an upload a crash cut before its index row`);
        report.removedPartial += 1;
        continue;
      }
      if (refreshed === "dropped" || refreshed === "absent") {
        report.dropped += 1;
        continue;
      }
      seen.add(digest);
      report.indexed += 1;
      if (refreshed === "indexed") report.parsed += 1;
    }
    for (const digest of known.keys()) if (!seen.has(digest)) this.#index.remove(digest);
    this.#changed();
    return report;
  }

  /** Writes and indexes the `.meta` of a `.plugin` found without one; false (and a warning) when it is no plugin. */
  #import(digest: string): boolean {
    const name = `${digest}.plugin`;
    let meta: PluginMetadata;
    try {
      meta = importedMetadata(join(this.#root, name), digest);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.#warn(`leaving ${name} alone (it has no .meta, and cannot be given one): ${printable(error.message)}`);
      return false;
    }
    const metaPath = join(this.#root, `${digest}.meta`);
    createFileDurably(metaPath, formatPluginMetadata(meta, "compact"), { temporaryName });
    this.put(meta, statSync(metaPath).mtimeMs);
    // A plugin's own strings: escaped before they reach the log.
    const names = meta.descriptors
      .map((descriptor) => printable(`${descriptor.name} ${descriptor.version}`))
      .join(", ");
    this.#warn(`imported ${name}, which had no .meta: ${names}; created_at from its mtime, no signature`);
    return true;
  }

  /**
   * One file's index rows: re-reads a `.meta` whose mtime is not the indexed one, and drops the
   * rows of one that is gone, no longer parses or no longer describes its file, with a warning
   * that starts with `verb`. `indexedMtime` is the index's (undefined: not indexed).
   */
  refresh(digest: string, indexedMtime: number | undefined, verb: string): Refreshed {
    const name = `${digest}.meta`;
    const path = join(this.#root, name);
    const missing = [`${digest}.plugin`, name].find((file) => !existsSync(join(this.#root, file)));
    if (missing !== undefined) {
      if (indexedMtime === undefined) return "absent";
      this.#warn(`${verb} ${missing} is gone`);
      this.drop(digest);
      return "absent";
    }
    try {
      const mtime = statSync(path).mtimeMs;
      if (indexedMtime === mtime) return "unchanged";
      this.put(readStoredMetadata(path, name, digest), mtime);
      this.#changed();
      return "indexed";
    } catch (error) {
      const reason = unusableReason(error, name);
      if (reason === undefined) throw error;
      this.#warn(`${verb} ${reason}`);
      if (indexedMtime !== undefined) this.drop(digest);
      return "dropped";
    }
  }

  /**
   * Indexes a stored file's `.meta` (as of `metaMtimeMs`) with its `.plugin`'s byte order, which
   * the `.meta` does not record: read from the file's header, a few bytes, unless the caller knows it.
   * `unflushedMeta`: the text of a `.meta` an upload just wrote without an fsync, committed durably.
   */
  put(
    meta: PluginMetadata,
    metaMtimeMs: number,
    byteOrder = byteOrderOfFile(join(this.#root, `${meta.digest}.plugin`)),
    unflushedMeta?: string,
  ): void {
    this.#index.put(meta, metaMtimeMs, byteOrder, unflushedMeta);
  }

  /** Removes a file's rows (its files stay as they are). */
  drop(digest: string): void {
    this.#index.remove(digest);
    this.#changed();
  }
}

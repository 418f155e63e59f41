/**
 * The registry's index in SQLite (bun:sqlite, a file in the storage folder): one row per
 * (file, descriptor), kept in step with the `.meta` files, which remain the source of truth.
 * At start-up only `.meta` files that are new or changed since the index saw them are parsed.
 *
 * One exception to "the files are the truth": an upload's `.meta` is written without an fsync of
 * its own (two per upload: the `.plugin` and the folder), so until start-up has checked and
 * flushed it, the index holds its text, committed durably (`synchronous = FULL`, an fsync of the
 * WAL: the index's own durability) before the upload is answered; start-up restores the file from
 * there when a crash left it missing, empty or torn (index-sync.ts).
 */
import { Database } from "bun:sqlite";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { architectureLabel, descriptorInSerdeOrder, type PluginMetadata } from "@memflow-ts/core/plugin-files";
import { FIND_LIMIT, type PluginInfo, type PluginVariant } from "@memflow-ts/core/registry";
import type { ByteOrder } from "./byte-order.ts";
import {
  createdAtSortKey,
  type ListedVariant,
  NAMES_QUERY,
  pluginInfoOf,
  VARIANT_ORDER,
  type VariantQuery,
  type VariantRow,
  variantFilter,
  variantOf,
} from "./variant-query.ts";

export type { ListedVariant, VariantQuery } from "./variant-query.ts";

/**
 * Indexes made before a column was added are dropped and rebuilt from the folder at start-up (the
 * index is a cache of the `.meta` files and plugin headers).
 */
function dropOutdatedTables(db: Database): void {
  const columns = (table: string) => db.query<{ name: string }, []>(`PRAGMA table_info(${table})`).all();
  const variants = columns("variants");
  if (variants.length === 0) return;
  const current =
    variants.some((column) => column.name === "byte_order") &&
    columns("files").some((column) => column.name === "unflushed_meta");
  if (!current) db.exec("DROP TABLE variants; DROP TABLE files;");
}

export class PluginIndex {
  readonly #db: Database;

  /**
   * Opens the index at `path`, creating or updating its tables. `attach`: a second connection to
   * an index the store has opened (an upload worker's, which commits its uploads' rows), which
   * leaves the tables as they are.
   */
  constructor(path: string, options: { attach?: boolean } = {}) {
    this.#db = new Database(path, { create: !options.attach });
    // Another connection (the store's, or an upload worker's) holds the write lock for one small
    // commit at a time: wait for it rather than fail.
    this.#db.exec("PRAGMA busy_timeout = 10000");
    // No fsync per commit: the `.meta` files are the truth, and start-up re-reads any whose mtime a
    // lost commit left out of the index. An upload's commit is the exception (`put` with its text).
    this.#db.exec("PRAGMA synchronous = NORMAL");
    if (options.attach) {
      // Per connection: replacing a file's row removes its variants here too.
      this.#db.exec("PRAGMA foreign_keys = ON");
      return;
    }
    this.#db.exec("PRAGMA journal_mode = WAL");
    // Sorting for ORDER BY stays in memory instead of a temporary file.
    this.#db.exec("PRAGMA temp_store = MEMORY");
    dropOutdatedTables(this.#db);
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS files (
        digest TEXT PRIMARY KEY,
        meta_mtime_ms REAL NOT NULL,
        -- The text of a .meta this server wrote without flushing it; NULL once start-up has.
        unflushed_meta TEXT
      );
      CREATE TABLE IF NOT EXISTS variants (
        digest TEXT NOT NULL REFERENCES files(digest) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        plugin_version INTEGER NOT NULL,
        file_type TEXT NOT NULL,
        architecture TEXT NOT NULL,
        byte_order TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_at_ns TEXT NOT NULL,
        signature TEXT NOT NULL,
        descriptor TEXT NOT NULL,
        PRIMARY KEY (digest, position)
      );
      DROP INDEX IF EXISTS variants_by_name;
      -- Every ORDER BY column, position included, so listings are read in index order, unsorted.
      CREATE INDEX IF NOT EXISTS variants_by_name_order ON variants (name, plugin_version DESC, created_at_ns DESC, digest, position);
    `);
    this.#db.exec("PRAGMA foreign_keys = ON");
  }

  close(): void {
    this.#db.close();
  }

  /** Every indexed file and the mtime of the `.meta` it came from. */
  files(): Map<string, number> {
    const rows = this.#db
      .query<{ digest: string; meta_mtime_ms: number }, []>("SELECT digest, meta_mtime_ms FROM files")
      .all();
    return new Map(rows.map((row) => [row.digest, row.meta_mtime_ms]));
  }

  /**
   * Adds or replaces a file's rows. With `unflushedMeta`, the text of a `.meta` just written
   * without an fsync, the commit is durable (an fsync of the WAL) and keeps that text until
   * `flushed`; without it the commit is as cheap as WAL's `synchronous = NORMAL` makes it, and a
   * text kept for the same `.meta` (its mtime unchanged: the folder watcher read the file an upload
   * worker had just committed) stays.
   */
  put(meta: PluginMetadata, metaMtimeMs: number, byteOrder: ByteOrder, unflushedMeta?: string): void {
    const nanoseconds = createdAtSortKey(meta);
    const insert = this.#db.transaction(() => {
      const kept =
        unflushedMeta ??
        this.#db
          .query<{ unflushed_meta: string | null }, [string, number]>(
            "SELECT unflushed_meta FROM files WHERE digest = ? AND meta_mtime_ms = ?",
          )
          .get(meta.digest, metaMtimeMs)?.unflushed_meta ??
        null;
      this.#db.query("DELETE FROM files WHERE digest = ?").run(meta.digest);
      this.#db
        .query("INSERT INTO files (digest, meta_mtime_ms, unflushed_meta) VALUES (?, ?, ?)")
        .run(meta.digest, metaMtimeMs, kept);
      const row = this.#db.query(
        `INSERT INTO variants (digest, position, name, version, plugin_version, file_type, architecture, byte_order, created_at, created_at_ns, signature, descriptor)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      meta.descriptors.forEach((descriptor, position) => {
        row.run(
          meta.digest,
          position,
          descriptor.name,
          descriptor.version,
          descriptor.plugin_version,
          descriptor.file_type,
          architectureLabel(descriptor.architecture),
          byteOrder,
          meta.created_at,
          nanoseconds,
          meta.signature,
          JSON.stringify(descriptorInSerdeOrder(descriptor)),
        );
      });
    });
    // IMMEDIATE: the write lock from the start, so the kept text read is the one replaced.
    if (unflushedMeta === undefined) {
      insert.immediate();
      return;
    }
    // Per connection and outside a transaction: FULL for this commit only.
    this.#db.exec("PRAGMA synchronous = FULL");
    try {
      insert.immediate();
    } finally {
      this.#db.exec("PRAGMA synchronous = NORMAL");
    }
  }

  /** The `.meta` texts written without an fsync that start-up has not yet checked and flushed, by digest. */
  unflushedMetas(): Map<string, string> {
    const rows = this.#db
      .query<{ digest: string; unflushed_meta: string }, []>(
        "SELECT digest, unflushed_meta FROM files WHERE unflushed_meta IS NOT NULL",
      )
      .all();
    return new Map(rows.map((row) => [row.digest, row.unflushed_meta]));
  }

  /** Forgets the kept texts of `.meta` files now flushed to disk. */
  flushed(digests: Iterable<string>): void {
    const clear = this.#db.query("UPDATE files SET unflushed_meta = NULL WHERE digest = ?");
    this.#db.transaction(() => {
      for (const digest of digests) clear.run(digest);
    })();
  }

  remove(digest: string): void {
    this.#db.query("DELETE FROM files WHERE digest = ?").run(digest);
  }

  /** The mtime of the `.meta` a file's rows came from; undefined when it is not indexed. */
  metaMtimeMs(digest: string): number | undefined {
    return this.#db
      .query<{ meta_mtime_ms: number }, [string]>("SELECT meta_mtime_ms FROM files WHERE digest = ?")
      .get(digest)?.meta_mtime_ms;
  }

  has(digest: string): boolean {
    return this.#db.query("SELECT 1 FROM files WHERE digest = ?").get(digest) !== null;
  }

  /** The first descriptor of a file (memflowup names files after it); undefined when it has none. */
  firstDescriptor(digest: string): PluginDescriptorInfo | undefined {
    const row = this.#db
      .query<{ descriptor: string }, [string]>(
        "SELECT descriptor FROM variants WHERE digest = ? ORDER BY position LIMIT 1",
      )
      .get(digest);
    return row ? (JSON.parse(row.descriptor) as PluginDescriptorInfo) : undefined;
  }

  /** One entry per plugin name, by name; the description of its newest, highest-ABI variant. */
  names(): PluginInfo[] {
    const rows = this.#db.query<{ name: string; descriptor: string }, []>(NAMES_QUERY).all();
    return rows.map(pluginInfoOf);
  }

  /** Variants of `name`, newest highest-ABI first, filtered, then skipped and limited; with the total. */
  find(name: string, params: VariantQuery): { plugins: PluginVariant[]; total: number } {
    const { rows, total } = this.#select(name, params);
    return { total, plugins: rows.map(variantOf) };
  }

  /** `find` with each variant's byte order. */
  listed(name: string, params: VariantQuery): { plugins: ListedVariant[]; total: number } {
    const { rows, total } = this.#select(name, params);
    return { total, plugins: rows.map((row) => ({ variant: variantOf(row), byteOrder: row.byte_order })) };
  }

  #select(name: string, params: VariantQuery): { rows: VariantRow[]; total: number } {
    const values: (string | number)[] = [];
    const filter = variantFilter(name, params, (value) => {
      values.push(value);
      return "?";
    });
    const total =
      this.#db
        .query<{ total: number }, (string | number)[]>(`SELECT count(*) AS total FROM variants WHERE ${filter}`)
        .get(...values)?.total ?? 0;
    const rows = this.#db
      .query<VariantRow, (string | number)[]>(
        `SELECT digest, signature, created_at, descriptor, byte_order FROM variants WHERE ${filter}
         ORDER BY ${VARIANT_ORDER} LIMIT ? OFFSET ?`,
      )
      .all(...values, params.limit ?? FIND_LIMIT.DEFAULT, params.skip ?? 0);
    return { rows, total };
  }
}

/**
 * The shared index in PostgreSQL (Bun.sql): the same rows as the embedded SQLite index, plus each
 * file's `.meta` text, which here is the truth (there is no folder of `.meta` files). Every write
 * is one transaction that also announces the change (NOTIFY), so every server drops its cached
 * listings; the primary key on the digest makes two identical uploads, on any servers, one entry.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { architectureLabel, descriptorInSerdeOrder, type PluginMetadata } from "@memflow-ts/core/plugin-files";
import { FIND_LIMIT, type PluginInfo, type PluginVariant } from "@memflow-ts/core/registry";
import { SQL } from "bun";
import type { ByteOrder } from "../byte-order.ts";
import type { ListedVariant, VariantQuery, VariantRow } from "../variant-query.ts";
import * as listing from "../variant-query.ts";
import { migrate } from "./postgres-migrations.ts";

/** The channel every write notifies; its payload is the digest. */
export const CHANGES_CHANNEL = "memflow_ts_registry_changes";

/** An indexed file: its `.meta` text and size. */
export interface IndexedFile {
  readonly meta: string;
  readonly size: number;
}

export class PostgresIndex {
  readonly #sql: SQL;
  #unlisten: (() => Promise<void>) | undefined;

  private constructor(sql: SQL) {
    this.#sql = sql;
  }

  /**
   * Connects, applies missing migrations (advisory lock) and calls `changed` on every server's
   * write (with its digest), and whenever the subscription is made again after a reconnect.
   */
  static async open(url: string, changed: (digest: string) => void): Promise<PostgresIndex> {
    const index = new PostgresIndex(new SQL(url));
    try {
      await migrate(index.#sql);
      // After a reconnect, notices sent while the connection was down are lost: count one change then too.
      const subscription = await index.#sql.listen(CHANGES_CHANNEL, changed, () => changed(""));
      index.#unlisten = () => subscription.unlisten();
    } catch (error) {
      await index.#sql.close();
      throw error;
    }
    return index;
  }

  async close(): Promise<void> {
    await this.#unlisten?.().catch(() => {});
    await this.#sql.close();
  }

  /** Answers whether the database can be reached. */
  async ping(): Promise<void> {
    await this.#sql`SELECT 1`;
  }

  /** Adds a file's rows in one transaction; false when the digest is indexed already (by any server). */
  async insert(meta: PluginMetadata, metaText: string, size: number, byteOrder: ByteOrder): Promise<boolean> {
    const createdAtNs = listing.createdAtSortKey(meta);
    return this.#sql.begin(async (transaction) => {
      const inserted =
        await transaction`INSERT INTO files (digest, meta, size) VALUES (${meta.digest}, ${metaText}, ${size})
        ON CONFLICT (digest) DO NOTHING RETURNING digest`;
      if (inserted.length === 0) return false;
      const rows = meta.descriptors.map((descriptor, position) => ({
        digest: meta.digest,
        position,
        name: descriptor.name,
        version: descriptor.version,
        plugin_version: descriptor.plugin_version,
        file_type: descriptor.file_type,
        architecture: architectureLabel(descriptor.architecture),
        byte_order: byteOrder,
        created_at: meta.created_at,
        created_at_ns: createdAtNs,
        signature: meta.signature,
        descriptor: JSON.stringify(descriptorInSerdeOrder(descriptor)),
      }));
      if (rows.length > 0) await transaction`INSERT INTO variants ${transaction(rows)}`;
      await transaction`SELECT pg_notify(${CHANGES_CHANNEL}, ${meta.digest})`;
      return true;
    });
  }

  /** Removes a file's rows; false when it was not indexed. */
  async remove(digest: string): Promise<boolean> {
    return this.#sql.begin(async (transaction) => {
      const removed = await transaction`DELETE FROM files WHERE digest = ${digest} RETURNING digest`;
      if (removed.length > 0) await transaction`SELECT pg_notify(${CHANGES_CHANNEL}, ${digest})`;
      return removed.length > 0;
    });
  }

  async has(digest: string): Promise<boolean> {
    const rows = await this.#sql`SELECT 1 FROM files WHERE digest = ${digest}`;
    return rows.length > 0;
  }

  async file(digest: string): Promise<IndexedFile | undefined> {
    const rows: { meta: string; size: string }[] = await this
      .#sql`SELECT meta, size::text AS size FROM files WHERE digest = ${digest}`;
    const row = rows[0];
    return row && { meta: row.meta, size: Number(row.size) };
  }

  async firstDescriptor(digest: string): Promise<PluginDescriptorInfo | undefined> {
    const rows: { descriptor: string }[] = await this
      .#sql`SELECT descriptor FROM variants WHERE digest = ${digest} ORDER BY position LIMIT 1`;
    return rows[0] && (JSON.parse(rows[0].descriptor) as PluginDescriptorInfo);
  }

  /** Every indexed digest, in order. */
  async digests(): Promise<string[]> {
    const rows: { digest: string }[] = await this.#sql`SELECT digest FROM files ORDER BY digest`;
    return rows.map((row) => row.digest);
  }

  async names(): Promise<PluginInfo[]> {
    const rows: { name: string; descriptor: string }[] = await this.#sql.unsafe(listing.NAMES_QUERY);
    return rows.map(listing.pluginInfoOf);
  }

  async find(name: string, params: VariantQuery): Promise<{ plugins: PluginVariant[]; total: number }> {
    const { rows, total } = await this.#select(name, params);
    return { total, plugins: rows.map(listing.variantOf) };
  }

  async listed(name: string, params: VariantQuery): Promise<{ plugins: ListedVariant[]; total: number }> {
    const { rows, total } = await this.#select(name, params);
    return { total, plugins: rows.map((row) => ({ variant: listing.variantOf(row), byteOrder: row.byte_order })) };
  }

  async #select(name: string, params: VariantQuery): Promise<{ rows: VariantRow[]; total: number }> {
    const values: (string | number)[] = [];
    const filter = listing.variantFilter(name, params, (value) => {
      values.push(value);
      return `$${values.length}`;
    });
    const limit = `$${values.length + 1}`;
    const skip = `$${values.length + 2}`;
    // One statement: the count rides along each row, so a page costs one round trip.
    const rows: (VariantRow & { total: number })[] = await this.#sql.unsafe(
      `SELECT digest, signature, created_at, descriptor, byte_order, count(*) OVER ()::integer AS total
       FROM variants WHERE ${filter} ORDER BY ${listing.VARIANT_ORDER} LIMIT ${limit} OFFSET ${skip}`,
      [...values, params.limit ?? FIND_LIMIT.DEFAULT, params.skip ?? 0],
    );
    if (rows.length > 0 || (params.skip ?? 0) === 0) return { rows, total: rows[0]?.total ?? 0 };
    // A page past the end has no row to carry the count.
    const counted: { total: number }[] = await this.#sql.unsafe(
      `SELECT count(*)::integer AS total FROM variants WHERE ${filter}`,
      values,
    );
    return { rows, total: counted[0]?.total ?? 0 };
  }
}

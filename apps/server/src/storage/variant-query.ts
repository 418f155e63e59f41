/**
 * The registry's listing rule, once for both indexes (SQLite embedded, PostgreSQL shared): which
 * variants a query selects and in which order. Each index passes how it writes a parameter.
 */

import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { architectureLabel, type PluginMetadata, parseCreatedAt } from "@memflow-ts/core/plugin-files";
import type { PluginInfo, PluginsFindQuery, PluginVariant } from "@memflow-ts/core/registry";
import type { ByteOrder } from "./byte-order.ts";

/** The registry's query, plus the byte order (absent: any). */
export interface VariantQuery extends PluginsFindQuery {
  readonly byte_order?: ByteOrder | undefined;
}

/** Newest ABI first, then newest upload, then a stable tie-break; the index on variants follows it. */
export const VARIANT_ORDER = "plugin_version DESC, created_at_ns DESC, digest, position";

/**
 * The WHERE clause of a listing of `name`. `parameter` records a value and returns the text that
 * stands for it in the statement (`?` in SQLite, `$n` in PostgreSQL). A `version` matches the
 * version or a digest prefix, as memflow-registry's does.
 */
export function variantFilter(name: string, params: VariantQuery, parameter: (value: string | number) => string) {
  const where = [`name = ${parameter(name)}`];
  if (params.version !== undefined) {
    const version = () => `CAST(${parameter(params.version as string)} AS TEXT)`;
    where.push(
      `(version = ${version()} OR (length(${version()}) <= 64 AND substr(digest, 1, length(${version()})) = ${version()}))`,
    );
  }
  if (params.memflow_plugin_version !== undefined)
    where.push(`plugin_version = ${parameter(params.memflow_plugin_version)}`);
  if (params.file_type !== undefined) where.push(`file_type = ${parameter(params.file_type)}`);
  if (params.architecture !== undefined)
    where.push(`architecture = ${parameter(architectureLabel(params.architecture))}`);
  if (params.byte_order !== undefined) where.push(`byte_order = ${parameter(params.byte_order)}`);
  return where.join(" AND ");
}

/** created_at as zero-padded nanoseconds, so ordering it as text orders the times. */
export function createdAtSortKey(meta: PluginMetadata): string {
  return (parseCreatedAt(meta.created_at)?.nanoseconds ?? 0n).toString().padStart(24, "0");
}

/** A variant as the web UI lists it: what the registry's JSON says, and the file's byte order. */
export interface ListedVariant {
  readonly variant: PluginVariant;
  readonly byteOrder: ByteOrder;
}

export interface VariantRow {
  digest: string;
  signature: string;
  created_at: string;
  descriptor: string;
  byte_order: ByteOrder;
}

/** One entry per plugin name, by name; the description of its newest, highest-ABI variant. */
export const NAMES_QUERY = `SELECT name, descriptor FROM (
  SELECT name, descriptor, ROW_NUMBER() OVER (PARTITION BY name ORDER BY plugin_version DESC, created_at_ns DESC, digest) AS rank
  FROM variants) AS newest
WHERE rank = 1 ORDER BY name`;

export function pluginInfoOf(row: { name: string; descriptor: string }): PluginInfo {
  return { name: row.name, description: (JSON.parse(row.descriptor) as PluginDescriptorInfo).description };
}

export function variantOf(row: VariantRow): PluginVariant {
  return {
    digest: row.digest,
    signature: row.signature,
    created_at: row.created_at,
    descriptor: JSON.parse(row.descriptor) as PluginDescriptorInfo,
  };
}

/**
 * `PluginMetadata`, the JSON beside every installed plugin (the `.meta` sidecar memflowup writes)
 * and in every registry (memflow-registry's `<digest>.meta` and `GET /files/{digest}/metadata`):
 * digest, signature, created_at and the descriptors, in that order, spelled as the Rust tools
 * spell them. This file is the one reader and the one writer of that shape.
 *
 * Reading is lenient where it can be: fields are kept one by one, so the Inventory can order a
 * plugin by its created_at even when its `.meta` lacks a signature (memflow would skip it), and
 * callers that need every field (memflowup's commands, the registry) ask for a complete one.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { MemflowError } from "../error.ts";
import { type CreatedAt, parseCreatedAt } from "./created-at.ts";

export interface PluginMetadata {
  /** sha256 of the plugin file: 64 lower-case hex digits when memflow-ts or memflowup wrote it. */
  readonly digest: string;
  /** Hex of the DER ECDSA signature; empty for a plugin built locally. */
  readonly signature: string;
  /** chrono's NaiveDateTime, UTC without a zone: `2024-04-06T20:49:56.440891100`. */
  readonly created_at: string;
  readonly descriptors: readonly PluginDescriptorInfo[];
}

/** The fields in memflowup's (serde's) order. */
const FIELDS = ["digest", "signature", "created_at", "descriptors"] as const;
/** Shared by every complete reading: `.meta` files are read by the hundred at start-up. */
const NOTHING_MISSING: readonly never[] = Object.freeze([]);

export interface PluginMetadataReading {
  /** The fields that are present and well-formed. */
  readonly fields: Partial<PluginMetadata>;
  /** `created_at`, parsed. */
  readonly createdAt: CreatedAt | undefined;
  /** Required fields that are absent or malformed, in memflowup's order. */
  readonly missing: readonly (keyof PluginMetadata)[];
  /** What is wrong with each of them: `digest is missing`, `descriptors is a string, not an array`. */
  readonly problems: readonly string[];
}

const SHA256_DIGEST = /^[0-9a-f]{64}$/;

/** A sha256 digest as memflow writes it: 64 lower-case hex digits and nothing else (no path can hide in it). */
export function isSha256Digest(text: unknown): text is string {
  return typeof text === "string" && SHA256_DIGEST.test(text);
}

/**
 * Whether a JSON value is a `PluginDescriptorInfo`. `plugin_kind` and `export_name` may be absent:
 * memflow added them after the first registry volumes were written.
 */
export function isPluginDescriptorInfo(value: unknown): value is PluginDescriptorInfo {
  // Inline checks, no helper calls: this runs for every descriptor of every `.meta` at start-up.
  // (An array passes the first test but has no `name`.)
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.name === "string" &&
    typeof record.version === "string" &&
    typeof record.description === "string" &&
    typeof record.plugin_version === "number" &&
    typeof record.file_type === "string" &&
    (typeof record.architecture === "string" ||
      (typeof record.architecture === "object" && record.architecture !== null)) &&
    (record.plugin_kind === undefined || typeof record.plugin_kind === "string") &&
    (record.export_name === undefined || typeof record.export_name === "string")
  );
}

function unreadable(message: string): MemflowError {
  return new MemflowError("Inventory", "UnableToReadFile", message);
}

/**
 * Reads PluginMetadata from JSON text; `source` names it in errors (a path, a URL). Throws
 * (Inventory, UnableToReadFile) when the text is not a JSON object or its created_at is not a
 * timestamp chrono reads; any other field that is absent or malformed is listed in `missing`.
 */
export function parsePluginMetadata(text: string, source: string): PluginMetadataReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unreadable(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  // Inline, not isRecord(): once a `.meta`, and `.meta` files are read by the hundred at start-up.
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw unreadable(`${source} does not hold a JSON object`);
  const record = value as Record<string, unknown>;
  const createdText = typeof record.created_at === "string" ? record.created_at : undefined;
  const createdAt = createdText === undefined ? undefined : parseCreatedAt(createdText);
  if (createdText !== undefined && createdAt === undefined) {
    throw unreadable(
      `${source}: created_at ${JSON.stringify(createdText)} is not a timestamp like 2024-04-06T20:49:56.440891100`,
    );
  }
  const fields: Partial<PluginMetadata> = {
    // Any string, as memflow's serde reads it; a registry checks it is a sha256 (isSha256Digest).
    digest: typeof record.digest === "string" ? record.digest : undefined,
    signature: typeof record.signature === "string" ? record.signature : undefined,
    created_at: createdText,
    descriptors: areDescriptors(record.descriptors) ? record.descriptors : undefined,
  };
  if (
    fields.digest !== undefined &&
    fields.signature !== undefined &&
    createdText !== undefined &&
    fields.descriptors
  ) {
    return { fields, createdAt, missing: NOTHING_MISSING, problems: NOTHING_MISSING };
  }
  const missing = FIELDS.filter((field) => fields[field] === undefined);
  return { fields, createdAt, missing, problems: missing.map((field) => fieldProblem(field, record[field])) };
}

/** An indexed loop: `.meta` files are read by the hundred at start-up, before any of this code is warm. */
function areDescriptors(value: unknown): value is PluginDescriptorInfo[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) if (!isPluginDescriptorInfo(value[index])) return false;
  return true;
}

function jsonType(value: unknown): string {
  return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

function fieldProblem(field: keyof PluginMetadata, value: unknown): string {
  if (value === undefined) return `${field} is missing`;
  const wanted = field === "descriptors" ? "an array of descriptors" : "a string";
  return `${field} is ${jsonType(value) === "array" ? "an array" : `a ${jsonType(value)}`}, not ${wanted}`;
}

/** The reading as complete PluginMetadata; throws (Inventory, UnableToReadFile) naming what is missing. */
export function completePluginMetadata(reading: PluginMetadataReading, source: string): PluginMetadata {
  if (reading.missing.length > 0) throw unreadable(`${source}: ${reading.problems.join(", ")}`);
  // Nothing is missing: every field is there.
  return reading.fields as PluginMetadata;
}

/**
 * A copy with its keys in the order memflow's struct declares them, which is the order serde
 * writes them: JSON.stringify of the result matches memflow's output byte for byte. A descriptor
 * from an old registry volume without `plugin_kind`/`export_name` stays without them.
 */
export function descriptorInSerdeOrder(descriptor: PluginDescriptorInfo): PluginDescriptorInfo {
  return {
    plugin_kind: descriptor.plugin_kind,
    export_name: descriptor.export_name,
    file_type: descriptor.file_type,
    architecture: descriptor.architecture,
    plugin_version: descriptor.plugin_version,
    name: descriptor.name,
    version: descriptor.version,
    description: descriptor.description,
  };
}

/**
 * PluginMetadata as JSON, keys and descriptor fields in serde's order: `pretty` is memflowup's
 * `.meta` (serde_json's `to_string_pretty`, two-space indent), `compact` memflow-registry's
 * stored `.meta` (`to_string`).
 */
export function formatPluginMetadata(meta: PluginMetadata, layout: "pretty" | "compact" = "pretty"): string {
  const ordered = {
    digest: meta.digest,
    signature: meta.signature,
    created_at: meta.created_at,
    descriptors: meta.descriptors.map(descriptorInSerdeOrder),
  };
  return layout === "pretty" ? JSON.stringify(ordered, null, 2) : JSON.stringify(ordered);
}

/** The sidecar of `libfoo_abc1234.so` is `libfoo_abc1234.meta`: the last extension replaced. */
export function metaPathFor(pluginPath: string): string {
  const slash = Math.max(pluginPath.lastIndexOf("/"), pluginPath.lastIndexOf("\\"));
  const dot = pluginPath.lastIndexOf(".");
  return dot > slash + 1 ? `${pluginPath.slice(0, dot)}.meta` : `${pluginPath}.meta`;
}

/**
 * memflow-registry's HTTP API as JSON (its rest/models.rs): what `GET /plugins`,
 * `GET /plugins/{name}`, `POST /files` and `GET /health` answer, the query `GET /plugins/{name}`
 * takes, and checks for answers read off the wire. The server writes these shapes and the CLI's
 * client reads them, so both import them from here. `GET /files/{digest}/metadata` answers
 * PluginMetadata (plugin-files/plugin-metadata.ts).
 */
import type { PluginArchitecture, PluginDescriptorInfo, PluginFileType } from "@memflow-ts/analyzer";
import { isPluginDescriptorInfo, isSha256Digest } from "../plugin-files/plugin-metadata.ts";

/** One entry of `GET /plugins`. */
export interface PluginInfo {
  readonly name: string;
  readonly description: string;
}

/** One entry of `GET /plugins/{name}`: a file and one of its descriptors (singular `descriptor`). */
export interface PluginVariant {
  readonly digest: string;
  readonly signature: string;
  readonly created_at: string;
  readonly descriptor: PluginDescriptorInfo;
}

export interface PluginsAllResponse {
  readonly plugins: readonly PluginInfo[];
}

export interface PluginsFindResponse {
  readonly plugins: readonly PluginVariant[];
  /** The `skip` of the query, echoed. */
  readonly skip: number;
  /** memflow-ts-server's addition: how many variants match in all, before skip and limit. */
  readonly total?: number;
}

/** `POST /files`: a new file, or one the registry already had (whose signature it kept). */
export type UploadResponse = "Added" | "AlreadyExists";

/** `GET /health`: `"Ok"`, or memflow-registry's error object with a 503. */
export type HealthResponse = "Ok" | { readonly Error: string };

/** The query of `GET /plugins/{name}` (memflow-registry's `PluginDatabaseFindParams`), all optional. */
export interface PluginsFindQuery {
  /** A descriptor version, or a prefix of the digest. */
  readonly version?: string | undefined;
  /** memflow's plugin ABI. */
  readonly memflow_plugin_version?: number | undefined;
  readonly file_type?: PluginFileType | undefined;
  /** Named architectures only: `unknown(n)` cannot be asked for. */
  readonly architecture?: PluginArchitecture | undefined;
  /** Raw entries to pass over before filtering (memflow-registry's order of operations). */
  readonly skip?: number | undefined;
  readonly limit?: number | undefined;
}

/** memflow-registry's `limit` when none is given, and the most it returns. */
export const FIND_LIMIT = { DEFAULT: 5, MAX: 50 } as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isPluginInfo(value: unknown): value is PluginInfo {
  return isRecord(value) && typeof value.name === "string" && typeof value.description === "string";
}

export function isPluginVariant(value: unknown): value is PluginVariant {
  return (
    isRecord(value) &&
    isSha256Digest(value.digest) &&
    typeof value.signature === "string" &&
    typeof value.created_at === "string" &&
    isPluginDescriptorInfo(value.descriptor)
  );
}

export function isUploadResponse(value: unknown): value is UploadResponse {
  return value === "Added" || value === "AlreadyExists";
}

/**
 * The plugin list of a `GET /plugins` answer; entries that are not PluginInfo are left out (a
 * newer server may list more). Undefined when the answer holds no list at all.
 */
export function pluginsAllFrom(body: unknown): PluginInfo[] | undefined {
  const plugins = isRecord(body) ? body.plugins : undefined;
  return Array.isArray(plugins) ? plugins.filter(isPluginInfo) : undefined;
}

/** The variants of a `GET /plugins/{name}` answer; undefined unless it is a list of variants. */
export function pluginsFindFrom(body: unknown): PluginVariant[] | undefined {
  const plugins = isRecord(body) ? body.plugins : undefined;
  return Array.isArray(plugins) && plugins.every(isPluginVariant) ? plugins : undefined;
}

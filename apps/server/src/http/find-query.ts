/**
 * The query of `GET /plugins/:name` (memflow-registry's `PluginDatabaseFindParams`), checked
 * the way serde checks it: unknown keys are ignored, a bad value or a known key given twice is a
 * 400 naming it (a router's query object would silently keep one of the two).
 */
import type { PluginArchitecture, PluginFileType } from "@memflow-ts/analyzer";
import { FIND_LIMIT, type PluginsFindQuery } from "@memflow-ts/core/registry";
import { RequestError } from "./request-error.ts";

const FILE_TYPES: readonly PluginFileType[] = ["pe", "elf", "mach"];
const ARCHITECTURES: readonly string[] = ["x86", "x86_64", "arm", "arm64"];

function invalid(message: string): RequestError {
  return new RequestError("bad-request", `Failed to deserialize query string: ${message}`);
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly string[]): T {
  if (!allowed.includes(value)) {
    throw invalid(`${key}: unknown variant \`${value}\`, expected one of ${allowed.map((v) => `\`${v}\``).join(", ")}`);
  }
  return value as T;
}

function integer(key: string, value: string, minimum: number, maximum: number): number {
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < minimum || number > maximum) {
    throw invalid(`${key}: invalid digit found in string or number out of range (${JSON.stringify(value)})`);
  }
  return number;
}

export interface CheckedFindQuery extends PluginsFindQuery {
  skip: number;
  limit: number;
}

const KEYS = ["version", "memflow_plugin_version", "file_type", "architecture", "skip", "limit"] as const;

/** Each known key's value; serde_urlencoded's error for one that comes twice. */
function knownValues(search: URLSearchParams): Partial<Record<(typeof KEYS)[number], string>> {
  const values: Partial<Record<(typeof KEYS)[number], string>> = {};
  for (const key of KEYS) {
    const given = search.getAll(key);
    if (given.length > 1) throw invalid(`duplicate field \`${key}\``);
    values[key] = given[0];
  }
  return values;
}

/** The query string of the request URL (`new URL(request.url).searchParams`). */
export function parseFindQuery(search: URLSearchParams): CheckedFindQuery {
  const { version, memflow_plugin_version, file_type, architecture, skip, limit } = knownValues(search);
  return {
    version,
    memflow_plugin_version:
      memflow_plugin_version === undefined
        ? undefined
        : integer("memflow_plugin_version", memflow_plugin_version, -(2 ** 31), 2 ** 31 - 1),
    file_type: file_type === undefined ? undefined : oneOf<PluginFileType>("file_type", file_type, FILE_TYPES),
    architecture:
      architecture === undefined
        ? undefined
        : oneOf<PluginArchitecture & string>("architecture", architecture, ARCHITECTURES),
    skip: skip === undefined ? 0 : integer("skip", skip, 0, Number.MAX_SAFE_INTEGER),
    limit: Math.min(
      limit === undefined ? FIND_LIMIT.DEFAULT : integer("limit", limit, 0, Number.MAX_SAFE_INTEGER),
      FIND_LIMIT.MAX,
    ),
  };
}

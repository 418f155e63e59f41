/**
 * The query of `GET /plugins/:name` (memflow-registry's `PluginDatabaseFindParams`), checked
 * the way serde checks it: unknown keys are ignored, a bad value or a known key given twice is a
 * 400 naming it (Elysia hands a repeated key over as an array, so none is silently dropped). Each key is
 * defined once, in KEYS: the parser checks it and the OpenAPI document is generated from it.
 *
 * `byte_order` is memflow-ts-server's addition. memflow runs only on little-endian hosts, so a
 * query that names a target (`file_type` or `architecture`, as memflowup's pull sends) gets only
 * little-endian files unless it asks for `byte_order=big`; a query without a target lists both.
 */
import type { PluginArchitecture, PluginFileType } from "@memflow-ts/analyzer";
import { FIND_LIMIT } from "@memflow-ts/core/registry";
import { BYTE_ORDERS, type ByteOrder } from "../storage/byte-order.ts";
import type { VariantQuery } from "../storage/plugin-index.ts";
import { FILE_TYPES, NAMED_ARCHITECTURES } from "./api-schemas.ts";
import { RequestError } from "./request-error.ts";
import { type ObjectJsonSchema, type QueryValues, routeValidator } from "./route-validator.ts";

type Rule =
  | { readonly kind: "text" }
  | { readonly kind: "one-of"; readonly values: readonly string[] }
  | { readonly kind: "integer"; readonly minimum: number; readonly maximum: number };

interface Key {
  readonly rule: Rule;
  readonly description: string;
}

const KEYS = {
  version: { rule: { kind: "text" }, description: "A descriptor version, or a prefix of the file's digest." },
  memflow_plugin_version: {
    rule: { kind: "integer", minimum: -(2 ** 31), maximum: 2 ** 31 - 1 },
    description: "memflow's plugin ABI (`plugin_version` of the descriptor).",
  },
  file_type: { rule: { kind: "one-of", values: FILE_TYPES }, description: "The file format." },
  architecture: {
    rule: { kind: "one-of", values: NAMED_ARCHITECTURES },
    description: "The architecture; `unknown(n)` cannot be asked for.",
  },
  byte_order: {
    rule: { kind: "one-of", values: BYTE_ORDERS },
    description:
      "memflow-ts-server's addition. Default: `little` when file_type or architecture is given (memflow runs on little-endian hosts only), else either.",
  },
  skip: {
    rule: { kind: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    description: "Matches to pass over, after filtering. Default 0.",
  },
  limit: {
    rule: { kind: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    description: `Matches to return. Default ${FIND_LIMIT.DEFAULT}; more than ${FIND_LIMIT.MAX} returns ${FIND_LIMIT.MAX}.`,
  },
} as const satisfies Record<string, Key>;

type KeyName = keyof typeof KEYS;

function invalid(message: string): RequestError {
  return new RequestError("bad-request", `Failed to deserialize query string: ${message}`);
}

function checked(key: KeyName, value: string): string | number {
  const rule: Rule = KEYS[key].rule;
  if (rule.kind === "one-of" && !rule.values.includes(value)) {
    const allowed = rule.values.map((v) => `\`${v}\``).join(", ");
    throw invalid(`${key}: unknown variant \`${value}\`, expected one of ${allowed}`);
  }
  if (rule.kind !== "integer") return value;
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < rule.minimum || number > rule.maximum) {
    throw invalid(`${key}: invalid digit found in string or number out of range (${JSON.stringify(value)})`);
  }
  return number;
}

export interface CheckedFindQuery extends VariantQuery {
  skip: number;
  limit: number;
}

export function parseFindQuery(query: QueryValues): CheckedFindQuery {
  const value = (key: KeyName) => {
    const given = query[key];
    if (Array.isArray(given)) throw invalid(`duplicate field \`${key}\``);
    return given === undefined ? undefined : checked(key, given as string);
  };
  const file_type = value("file_type") as PluginFileType | undefined;
  const architecture = value("architecture") as (PluginArchitecture & string) | undefined;
  const targeted = file_type !== undefined || architecture !== undefined;
  return {
    version: value("version") as string | undefined,
    memflow_plugin_version: value("memflow_plugin_version") as number | undefined,
    file_type,
    architecture,
    byte_order: (value("byte_order") as ByteOrder | undefined) ?? (targeted ? "little" : undefined),
    skip: (value("skip") as number | undefined) ?? 0,
    limit: Math.min((value("limit") as number | undefined) ?? FIND_LIMIT.DEFAULT, FIND_LIMIT.MAX),
  };
}

function jsonSchemaOf({ rule, description }: Key): Record<string, unknown> {
  if (rule.kind === "one-of") return { type: "string", enum: rule.values, description };
  if (rule.kind === "integer") return { type: "integer", minimum: rule.minimum, maximum: rule.maximum, description };
  return { type: "string", description };
}

export const FIND_QUERY_SCHEMA: ObjectJsonSchema = {
  type: "object",
  properties: Object.fromEntries(Object.entries(KEYS).map(([name, key]) => [name, jsonSchemaOf(key)])),
};

/** The route's query validator: parseFindQuery, documented by FIND_QUERY_SCHEMA. */
export const findQuery = routeValidator(parseFindQuery, FIND_QUERY_SCHEMA);

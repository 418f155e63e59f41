/**
 * The registry's JSON bodies as schemas, for the OpenAPI document. The shapes are core's wire
 * types (`@memflow-ts/core/registry`), which the server writes and the CLI reads; the type checks
 * at the end of this file fail to compile when a schema and its type part ways.
 */
import type { PluginDescriptorInfo, PluginFileType } from "@memflow-ts/analyzer";
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type {
  HealthResponse,
  PluginsAllResponse,
  PluginsFindResponse,
  PluginVariant,
  UploadResponse,
} from "@memflow-ts/core/registry";
import { type Static, t } from "elysia";

export const FILE_TYPES = ["pe", "elf", "mach"] as const satisfies readonly PluginFileType[];
/** The architectures a query may name (a descriptor may also say `{"unknown": n}`). */
export const NAMED_ARCHITECTURES = ["x86", "x86_64", "arm", "arm64"] as const;

const DESCRIPTOR = t.Object(
  {
    plugin_kind: t.UnionEnum(["connector", "os"]),
    export_name: t.String({ examples: ["MEMFLOW_CONNECTOR_QEMU"] }),
    file_type: t.UnionEnum(FILE_TYPES),
    architecture: t.Union([t.UnionEnum(NAMED_ARCHITECTURES), t.Object({ unknown: t.Integer() })]),
    plugin_version: t.Integer({ description: "memflow's plugin ABI" }),
    name: t.String(),
    version: t.String(),
    description: t.String(),
  },
  { description: "A plugin descriptor as memflow's analyzer reads it from the file" },
);

const VARIANT = t.Object({
  digest: t.String({ pattern: "^[0-9a-f]{64}$", description: "sha256 of the file" }),
  signature: t.String({ description: "ECDSA secp256k1 over sha256 of the file, DER as hex" }),
  created_at: t.String({ description: "upload time, UTC, without a zone (chrono's NaiveDateTime)" }),
  descriptor: DESCRIPTOR,
});

/** memflow's PluginMetadata, the `.meta` beside each file. */
export const METADATA = t.Object({
  digest: VARIANT.properties.digest,
  signature: VARIANT.properties.signature,
  created_at: VARIANT.properties.created_at,
  descriptors: t.Array(DESCRIPTOR),
});

export const PLUGINS_ALL = t.Object({
  plugins: t.Array(t.Object({ name: t.String(), description: t.String() })),
});

export const PLUGINS_FIND = t.Object({
  plugins: t.Array(VARIANT),
  skip: t.Integer({ description: "the query's skip, echoed" }),
  total: t.Optional(t.Integer({ description: "memflow-ts-server's addition: every match, before skip and limit" })),
});

export const UPLOAD_RESULT = t.UnionEnum(["Added", "AlreadyExists"]);

export const HEALTH_OK = t.Literal("Ok");
export const HEALTH_FAILED = t.Object({ Error: t.String() });

/** The body of an error for a client that sent `Accept: application/json` (see README.md, Errors). */
export const ERROR_BODY = t.Object({
  error: t.Object({ code: t.String({ examples: ["not-found"] }), message: t.String() }),
});

/** `POST /files`: memflow-registry's multipart form. */
export const UPLOAD_FORM = t.Object({
  file: t.String({ format: "binary", description: "the plugin file, at most 20 MiB with the rest of the form" }),
  signature: t.String({ description: "the signature of the file's bytes: DER as hex, low-S" }),
});

// Compile-time checks: each schema describes exactly its wire type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(check: Same<A, B>) => check;
same<Static<typeof DESCRIPTOR>, PluginDescriptorInfo>(true);
same<Static<typeof VARIANT>, PluginVariant>(true);
same<Omit<Static<typeof METADATA>, "descriptors">, Omit<PluginMetadata, "descriptors">>(true);
same<Static<typeof METADATA>["descriptors"][number], PluginMetadata["descriptors"][number]>(true);
same<Static<typeof PLUGINS_ALL>["plugins"][number], PluginsAllResponse["plugins"][number]>(true);
same<Static<typeof PLUGINS_FIND>["plugins"][number], PluginsFindResponse["plugins"][number]>(true);
same<Omit<Static<typeof PLUGINS_FIND>, "plugins">, Omit<PluginsFindResponse, "plugins">>(true);
same<Static<typeof UPLOAD_RESULT>, UploadResponse>(true);
same<Static<typeof HEALTH_OK> | Static<typeof HEALTH_FAILED>, HealthResponse>(true);
same<(typeof NAMED_ARCHITECTURES)[number], Exclude<PluginDescriptorInfo["architecture"], object>>(true);

/**
 * What the OpenAPI document says of each registry route besides its validators (which document
 * themselves): summary, responses and security. app.ts attaches each entry to its route.
 */

import { t } from "elysia";
import { failure, INTERNAL_ERROR, json, type ResponseObject, tokenSecurity } from "./api-docs.ts";
import {
  HEALTH_FAILED,
  HEALTH_OK,
  METADATA,
  PLUGINS_ALL,
  PLUGINS_FIND,
  UPLOAD_FORM,
  UPLOAD_RESULT,
} from "./api-schemas.ts";

const TAGS = ["registry"];
/** memflow-registry answers 404 for a digest that is not one; the JSON code still tells the two apart. */
const NO_FILE = failure(
  "`not-found`: no stored file has that digest, or `invalid-digest`: it is not 64 lower-case hex digits",
);
const UNAUTHORIZED = failure("`unauthorized`: no bearer token, or the wrong one");

const binary = (description: string, status: string): ResponseObject => ({
  description,
  headers: {
    ETag: { description: "the digest, quoted", schema: t.String() },
    ...(status === "206" ? { "Content-Range": { description: "the range sent", schema: t.String() } } : {}),
  },
  content: { "application/octet-stream": { schema: t.String({ format: "binary" }) } },
});

export function registryDocs(tokenRequired: boolean) {
  return {
    health: {
      summary: 'Health: "Ok", or 503 when the storage is closed, its last write failed, or its disk is nearly full',
      tags: TAGS,
      responses: {
        200: json("the storage answers", HEALTH_OK),
        503: json(
          "answered from memory: the index is closed, the last write failed, or the file system was unreachable or under 64 MiB free when last sampled (every 5 s at most)",
          HEALTH_FAILED,
        ),
        500: INTERNAL_ERROR,
      },
    },
    names: {
      summary: "Every plugin name with the description of its newest variant",
      tags: TAGS,
      responses: { 200: json("plugin names, sorted", PLUGINS_ALL), 500: INTERNAL_ERROR },
    },
    find: {
      summary: "Variants of a plugin, newest highest-ABI first",
      description: "Filters, then skip and limit; `total` counts every match. An unknown name gives an empty list.",
      tags: TAGS,
      responses: {
        200: json("the matching variants", PLUGINS_FIND),
        400: failure(
          "`bad-request`: a value that does not parse, or a key given twice (`Failed to deserialize query string: …`)",
        ),
        500: INTERNAL_ERROR,
      },
    },
    download: {
      summary: "Download a plugin file",
      description: "Saved under memflowup's file name. Single byte ranges resume a download; the digest is the ETag.",
      tags: TAGS,
      responses: {
        200: binary("the file", "200"),
        206: binary("the requested range", "206"),
        304: { description: "If-None-Match named the digest" },
        404: NO_FILE,
        416: { description: "the range starts past the end of the file (a range that does not parse is ignored: 200)" },
        500: INTERNAL_ERROR,
      },
    },
    metadata: {
      summary: "The stored .meta of a plugin file (memflow's PluginMetadata)",
      tags: TAGS,
      responses: {
        200: json("the .meta as stored (memflow-registry writes it compact)", METADATA),
        404: NO_FILE,
        500: failure(
          "`damaged`: the stored .meta no longer parses or no longer names its file; the plugin is withdrawn (or `internal-error`)",
        ),
      },
    },
    upload: {
      summary: "Upload a signed plugin",
      description:
        "The file must be a plugin whose descriptors' names follow memflow's plugin-name rule and whose versions are printable.",
      tags: TAGS,
      security: tokenSecurity(tokenRequired),
      requestBody: { required: true, content: { "multipart/form-data": { schema: UPLOAD_FORM } } },
      responses: {
        200: json('"Added", or "AlreadyExists" for a file the registry has (its signature is kept)', UPLOAD_RESULT),
        400: failure(
          "`bad-request` (a form that does not parse), `bad-plugin` (not a plugin, or a name or version that breaks the rule) or `bad-signature`",
        ),
        401: UNAUTHORIZED,
        413: failure("`too-large`: the request is over 20 MiB"),
        500: INTERNAL_ERROR,
        503: {
          ...failure(
            "`busy`: as many uploads as the server takes at once are in flight; retry after `Retry-After` seconds",
          ),
          headers: { "Retry-After": { description: "seconds to wait", schema: t.String({ pattern: "^[0-9]+$" }) } },
        },
      },
    },
    remove: {
      summary: "Delete a plugin file and its metadata",
      tags: TAGS,
      security: tokenSecurity(tokenRequired),
      responses: {
        200: { description: "deleted (empty body)" },
        401: UNAUTHORIZED,
        404: failure("`not-found`: `Not found: digest was not found` (or `invalid-digest`)"),
        500: INTERNAL_ERROR,
      },
    },
  };
}

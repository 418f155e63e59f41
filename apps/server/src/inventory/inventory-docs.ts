/**
 * What the OpenAPI document says of each inventory route besides its validators (which document
 * themselves): summary, responses, and the inventory token every one of them wants.
 */
import { t } from "elysia";
import { failure, INTERNAL_ERROR, INVENTORY_TOKEN, json, type ResponseObject } from "../http/api-docs.ts";

const TAGS = ["inventory"];
const SECURITY = [{ [INVENTORY_TOKEN]: [] }];
/** What every inventory route may answer before it does anything. */
const GUARDED = {
  401: failure("`unauthorized`: no inventory token, or the wrong one"),
  403: failure("`forbidden`: a client on another machine (see --inventory-allow-remote)"),
  500: INTERNAL_ERROR,
};
export const NO_SESSION = failure("`not-found`: no open session has that id");
export const SESSION_FAILED = {
  502: failure("`plugin-crashed`: the session's process died; the session has ended"),
  504: failure("`plugin-timed-out`: the plugin missed its deadline; its process was killed"),
};

const OBJECT = t.Object({}, { additionalProperties: true });

export function inventoryRoute(
  summary: string,
  responses: Record<number, ResponseObject>,
  extra: Record<string, unknown> = {},
) {
  return { summary, tags: TAGS, security: SECURITY, responses: { ...responses, ...GUARDED }, ...extra };
}

export const inventoryDocs = {
  plugins: inventoryRoute("Plugins of the server's machine, accepted and rejected", {
    200: json("the plugin folders the server scans, what they hold and what was skipped", OBJECT),
  }),
  open: inventoryRoute(
    "Open a session from a chain (-c/-o syntax) in its own process; a chain that ends with an OS (-o) also answers the process routes",
    {
      201: json(
        "the session: id, physical memory metadata (null for an OS that offers none), the OS's info (null for a chain that ends with a connector) and whether it may write",
        OBJECT,
      ),
      400: failure("`bad-request`: no chain, or one that does not parse or cannot be built"),
      403: failure("`not-allowed`: a plugin not allowed, a path outside the data folders"),
      429: failure("`too-many-sessions`: the pool is full"),
      ...SESSION_FAILED,
    },
    {
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: t.Object({
              chain: t.Union([t.String({ examples: ["-c dummy::size=1m"] }), t.Array(t.String())]),
            }),
          },
        },
      },
    },
  ),
  list: inventoryRoute("Every session, opening ones too: id, chain, state, worker pid, age and last use", {
    200: json("the sessions", OBJECT),
  }),
  metadata: inventoryRoute("A session's physical memory metadata", {
    200: json("max_address, real_size, readonly, ideal_batch_size", OBJECT),
    404: NO_SESSION,
    422: failure("`memory-error`: the session's OS exposes no physical memory"),
    ...SESSION_FAILED,
  }),
  read: inventoryRoute("Read physical memory", {
    200: {
      description: "the bytes: hex in JSON (`format=hex`, the default) or raw (`format=binary`)",
      content: {
        "application/json": { schema: t.Object({ address: t.String(), length: t.Number(), hex: t.String() }) },
        "application/octet-stream": { schema: t.String({ format: "binary" }) },
      },
    },
    400: failure("`bad-request`: an address, length or format that does not parse, or a length out of range"),
    404: NO_SESSION,
    422: failure("`memory-error`: the connector could not read the range"),
    ...SESSION_FAILED,
  }),
  write: inventoryRoute(
    "Write physical memory (plugins allowed to write only)",
    {
      204: { description: "written" },
      400: failure("`bad-request`: an address that does not parse"),
      403: failure("`not-allowed`: a plugin of the chain may not write"),
      404: NO_SESSION,
      413: failure("`too-large`: more bytes than one write may carry"),
      422: failure("`memory-error`: the connector could not write the range"),
      ...SESSION_FAILED,
    },
    {
      requestBody: {
        required: true,
        content: { "application/octet-stream": { schema: t.String({ format: "binary" }) } },
      },
    },
  ),
  close: inventoryRoute("Close a session (an operator may close any, opening or busy)", {
    204: { description: "closed" },
    404: NO_SESSION,
  }),
};

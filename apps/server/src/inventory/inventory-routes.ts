/**
 * `/api/inventory/…`: the plugins of the server's machine and connector sessions on them.
 * Reading physical memory is dangerous, so these routes exist only when a token is configured,
 * answer only loopback clients unless told otherwise, and want the token on every request, in
 * the `Authorization` header only (never a cookie, so no other site can make a browser call them).
 * What a session may start is the pool's policy.
 */
import { Elysia } from "elysia";
import { AuthError } from "../auth-error.ts";
import { checkBearerToken } from "../bearer-token.ts";
import { RequestError } from "../http/request-error.ts";
import { inventoryDocs } from "./inventory-docs.ts";
import { bytesFrom, memoryReadQuery, memoryWriteQuery } from "./inventory-query.ts";
import { describeInventory, type InventorySource } from "./local-inventory.ts";
import type { SessionPool } from "./session-pool.ts";

export interface InventoryAccess {
  /** Bearer token every inventory API request must carry. */
  token: string;
  /** Answer clients that are not on this machine (default: loopback only). */
  allowRemote?: boolean;
  source: InventorySource;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Throws forbidden for a remote client unless allowed. In-process requests (no socket) are local. */
export function checkLocalClient(address: string | undefined, access: InventoryAccess): void {
  if (access.allowRemote || address === undefined || LOOPBACK.test(address)) return;
  throw new AuthError(
    "forbidden",
    "the inventory is only served to this machine; start the server with --inventory-allow-remote to change that",
  );
}

async function chainFrom(request: Request): Promise<string[]> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new RequestError("bad-request", 'send JSON such as {"chain": "-c dummy::size=1m"}');
  }
  const chain = (body as { chain?: unknown } | null)?.chain;
  if (typeof chain === "string" && chain.trim() !== "") return chain.trim().split(/\s+/);
  if (Array.isArray(chain) && chain.length > 0 && chain.every((token) => typeof token === "string")) return chain;
  throw new RequestError("bad-request", '"chain" must be a string such as "-c dummy::size=1m" (or its tokens)');
}

export function inventoryRoutes(access: InventoryAccess, pool: SessionPool) {
  return new Elysia({ name: "inventory-api", prefix: "/api/inventory" })
    .decorate("sessions", pool)
    .onBeforeHandle(({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, access);
      checkBearerToken(request.headers.get("authorization"), access.token);
    })
    .get("/plugins", () => describeInventory(access.source), { detail: inventoryDocs.plugins })
    .post(
      "/sessions",
      async ({ request, set }) => {
        // A client that hangs up while a plugin is still starting gives its slot back.
        const session = await pool.open(await chainFrom(request), { signal: request.signal });
        set.status = 201;
        return session;
      },
      { parse: "none", detail: inventoryDocs.open },
    )
    .get("/sessions", () => ({ sessions: pool.list() }), { detail: inventoryDocs.list })
    .get("/sessions/:id", ({ params }) => pool.metadata(params.id), { detail: inventoryDocs.metadata })
    .get(
      "/sessions/:id/memory",
      async ({ params, query: { address, length, format } }) => {
        const bytes = await pool.read(params.id, address, length);
        if (format === "binary") {
          return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
        }
        return {
          address: `0x${address.toString(16)}`,
          length: bytes.byteLength,
          hex: Buffer.from(bytes).toString("hex"),
        };
      },
      { query: memoryReadQuery("physical"), detail: inventoryDocs.read },
    )
    .put(
      "/sessions/:id/memory",
      async ({ params, query, request, set }) => {
        await pool.write(params.id, query.address, await bytesFrom(request));
        set.status = 204;
      },
      { parse: "none", query: memoryWriteQuery("physical"), detail: inventoryDocs.write },
    )
    .delete(
      "/sessions/:id",
      async ({ params, set }) => {
        await pool.close(params.id);
        set.status = 204;
      },
      { detail: inventoryDocs.close },
    );
}

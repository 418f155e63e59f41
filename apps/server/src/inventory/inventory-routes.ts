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
import { describeInventory, type InventorySource } from "./local-inventory.ts";
import { MAX_READ_BYTES, type SessionPool } from "./session-pool.ts";

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

function parseAddress(text: string | undefined): bigint {
  if (text !== undefined && /^(0x[0-9a-f]{1,16}|\d{1,20})$/i.test(text)) {
    const address = BigInt(text);
    if (address < 2n ** 64n) return address;
  }
  throw new RequestError("bad-request", "address must be a 64-bit number, decimal or 0x-prefixed hex");
}

/** The body of a write: raw bytes, refused before reading when it says it is too large. */
async function bytesFrom(request: Request): Promise<Uint8Array> {
  const tooLarge = () => new RequestError("too-large", `a write may carry at most ${MAX_READ_BYTES} bytes`);
  if (Number(request.headers.get("content-length") ?? "0") > MAX_READ_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_READ_BYTES) throw tooLarge();
  return bytes;
}

export function inventoryRoutes(access: InventoryAccess, pool: SessionPool) {
  return new Elysia({ name: "inventory-api", prefix: "/api/inventory" })
    .decorate("sessions", pool)
    .onBeforeHandle(({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, access);
      checkBearerToken(request.headers.get("authorization"), access.token);
    })
    .get("/plugins", () => describeInventory(access.source), {
      detail: { summary: "Plugins of the server's machine, accepted and rejected", tags: ["inventory"] },
    })
    .post(
      "/sessions",
      async ({ request, set }) => {
        // A client that hangs up while a plugin is still starting gives its slot back.
        const session = await pool.open(await chainFrom(request), { signal: request.signal });
        set.status = 201;
        return session;
      },
      {
        parse: "none",
        detail: {
          summary: "Open a connector session from a chain (-c syntax) in its own process",
          tags: ["inventory"],
        },
      },
    )
    .get("/sessions", () => ({ sessions: pool.list() }), {
      detail: {
        summary: "Every session, opening ones too: id, chain, state, worker pid, age and last use",
        tags: ["inventory"],
      },
    })
    .get("/sessions/:id", ({ params }) => pool.metadata(params.id), {
      detail: { summary: "A session's physical memory metadata", tags: ["inventory"] },
    })
    .get(
      "/sessions/:id/memory",
      async ({ params, query }) => {
        const address = parseAddress(query.address);
        const length = Number(query.length ?? "");
        const bytes = await pool.read(params.id, address, length);
        if (query.format === "binary") {
          return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
        }
        if (query.format !== undefined && query.format !== "hex") {
          throw new RequestError("bad-request", 'format must be "hex" (default) or "binary"');
        }
        return {
          address: `0x${address.toString(16)}`,
          length: bytes.byteLength,
          hex: Buffer.from(bytes).toString("hex"),
        };
      },
      {
        detail: {
          summary: "Read physical memory: ?address=0x1000&length=256&format=hex|binary",
          tags: ["inventory"],
        },
      },
    )
    .put(
      "/sessions/:id/memory",
      async ({ params, query, request, set }) => {
        await pool.write(params.id, parseAddress(query.address), await bytesFrom(request));
        set.status = 204;
      },
      {
        parse: "none",
        detail: {
          summary: "Write physical memory: ?address=0x1000, the bytes as the body (plugins allowed to write only)",
          tags: ["inventory"],
        },
      },
    )
    .delete(
      "/sessions/:id",
      async ({ params, set }) => {
        await pool.close(params.id);
        set.status = 204;
      },
      { detail: { summary: "Close a session (an operator may close any, opening or busy)", tags: ["inventory"] } },
    );
}

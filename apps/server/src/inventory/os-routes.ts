/**
 * `/api/inventory/sessions/<id>/…` for a session whose chain ends with an OS: its info, its
 * processes (by pid or name), their modules, each module's exports, imports and sections, and a
 * process's virtual memory. Behind the same loopback check and token as every inventory route;
 * what the pool lets a session do (writes) is the pool's. A process is a pid when all digits,
 * else a name.
 */
import { Elysia } from "elysia";
import { checkBearerToken } from "../bearer-token.ts";
import { RequestError } from "../http/request-error.ts";
import { bytesFrom, memoryReadQuery, memoryWriteQuery } from "./inventory-query.ts";
import { checkLocalClient, type InventoryAccess } from "./inventory-routes.ts";
import { osDocs } from "./os-docs.ts";
import { hex } from "./os-json.ts";
import { type ModuleContentsKind, type ProcessSelector, processSelector } from "./os-protocol.ts";
import { SessionError } from "./session-error.ts";
import type { SessionPool } from "./session-pool.ts";

/** The process a path names; a pid out of range is a 400 before any plugin is asked. */
export function processParam(text: string): ProcessSelector {
  const selector = processSelector(text);
  if (selector === undefined) throw new RequestError("bad-request", `pid ${text} is out of range (0 to 4294967295)`);
  return selector;
}

/** `[address, address + length)` must lie in the 64-bit address space. */
export function checkRange(address: bigint, length: number): void {
  if (address + BigInt(length) > 2n ** 64n) {
    throw new RequestError("bad-request", "address + length passes the end of the 64-bit address space");
  }
}

const CONTENTS: readonly ModuleContentsKind[] = ["exports", "imports", "sections"];

export function osRoutes(access: InventoryAccess, pool: SessionPool) {
  const contents =
    (kind: ModuleContentsKind) =>
    ({ params }: { params: { id: string; process: string; module: string } }) =>
      pool
        .os(params.id, {
          op: "module-contents",
          process: processParam(params.process),
          module: params.module,
          what: kind,
        })
        .then(bodyOf);
  let app = new Elysia({ name: "inventory-os-api", prefix: "/api/inventory/sessions/:id" })
    .onBeforeHandle(({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, access);
      checkBearerToken(request.headers.get("authorization"), access.token);
    })
    .get("/os", ({ params }) => pool.os(params.id, { op: "os-info" }).then(bodyOf), { detail: osDocs.info })
    .get("/processes", ({ params }) => pool.os(params.id, { op: "processes" }).then(bodyOf), {
      detail: osDocs.processes,
    })
    .get(
      "/processes/:process",
      ({ params }) => pool.os(params.id, { op: "process", process: processParam(params.process) }).then(bodyOf),
      { detail: osDocs.process },
    )
    .get(
      "/processes/:process/modules",
      ({ params }) => pool.os(params.id, { op: "modules", process: processParam(params.process) }).then(bodyOf),
      { detail: osDocs.modules },
    )
    .get(
      "/processes/:process/memory",
      async ({ params, query: { address, length, format } }) => {
        const process = processParam(params.process);
        checkRange(address, length);
        const reply = await pool.os(params.id, {
          op: "virtual-read",
          process,
          address: hex(address),
          length,
        });
        if (!("data" in reply)) return bodyOf(reply);
        const bytes = Buffer.from(reply.data, "base64");
        if (format === "binary") {
          return new Response(bytes, {
            headers: {
              "content-type": "application/octet-stream",
              "x-memflow-unreadable": JSON.stringify(reply.unreadable),
            },
          });
        }
        return {
          pid: reply.pid,
          address: hex(address),
          length: bytes.byteLength,
          hex: bytes.toString("hex"),
          unreadable: reply.unreadable,
        };
      },
      { query: memoryReadQuery("virtual"), detail: osDocs.read },
    )
    .put(
      "/processes/:process/memory",
      async ({ params, query, request, set }) => {
        const process = processParam(params.process);
        const bytes = await bytesFrom(request);
        checkRange(query.address, bytes.byteLength);
        await pool.os(params.id, {
          op: "virtual-write",
          process,
          address: hex(query.address),
          data: Buffer.from(bytes).toString("base64"),
        });
        set.status = 204;
      },
      { parse: "none", query: memoryWriteQuery("virtual"), detail: osDocs.write },
    );
  for (const kind of CONTENTS) {
    app = app.get(`/processes/:process/modules/:module/${kind}`, contents(kind), { detail: osDocs[kind] });
  }
  return app;
}

/** The JSON body of a reply; a reply of another shape is a worker that broke the protocol. */
function bodyOf(reply: object): unknown {
  if ("value" in reply) return reply.value;
  throw new SessionError("plugin-crashed", "the session process answered with something else than was asked");
}

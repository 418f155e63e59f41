/**
 * `/api/inventory/sessions/<id>/…` for a session whose chain ends with an OS: its info, its
 * processes (by pid or name), their modules, each module's exports, imports and sections, and a
 * process's virtual memory. Behind the same loopback check and token as every inventory route;
 * what the pool lets a session do (writes) is the pool's. A process is a pid when all digits,
 * else a name.
 */
import { formatAddress } from "@memflow-ts/core";
import { Elysia } from "elysia";
import { checkBearerToken } from "../bearer-token.ts";
import { RequestError } from "../http/request-error.ts";
import { bytesFrom, memoryReadQuery, memoryWriteQuery } from "./inventory-query.ts";
import { checkLocalClient, type InventoryAccess } from "./inventory-routes.ts";
import { osDocs } from "./os-docs.ts";
import { type ModuleContentsKind, type ProcessSelector, processSelector } from "./os-protocol.ts";
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
      pool.osValue(params.id, {
        op: "module-contents",
        process: processParam(params.process),
        module: params.module,
        what: kind,
      });
  let app = new Elysia({ name: "inventory-os-api", prefix: "/api/inventory/sessions/:id" })
    .onBeforeHandle(({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, access);
      checkBearerToken(request.headers.get("authorization"), access.token);
    })
    .get("/os", ({ params }) => pool.osValue(params.id, { op: "os-info" }), { detail: osDocs.info })
    .get("/processes", ({ params }) => pool.osValue(params.id, { op: "processes" }), {
      detail: osDocs.processes,
    })
    .get(
      "/processes/:process",
      ({ params }) => pool.osValue(params.id, { op: "process", process: processParam(params.process) }),
      { detail: osDocs.process },
    )
    .get(
      "/processes/:process/modules",
      ({ params }) => pool.osValue(params.id, { op: "modules", process: processParam(params.process) }),
      { detail: osDocs.modules },
    )
    .get(
      "/processes/:process/memory",
      async ({ params, query: { address, length, format } }) => {
        const process = processParam(params.process);
        checkRange(address, length);
        const { pid, bytes, unreadable } = await pool.virtualRead(params.id, process, address, length);
        if (format === "binary") {
          return new Response(bytes, {
            headers: {
              "content-type": "application/octet-stream",
              "x-memflow-unreadable": JSON.stringify(unreadable),
            },
          });
        }
        return {
          pid,
          address: formatAddress(address),
          length: bytes.byteLength,
          hex: bytes.toString("hex"),
          unreadable,
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
          address: formatAddress(query.address),
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

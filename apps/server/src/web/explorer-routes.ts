/**
 * The process explorer's routes, under `/ui/inventory/sessions`: open a session from a chain
 * (a form on the inventory page), its processes, a process's modules, a module's memory, and
 * closing it. Signed in as the inventory page is (web-routes.ts decides how); each page asks the
 * session pool as the API does, so the policy, the deadlines and crash containment are the same.
 * A failure (a crashed plugin, an unknown process) is a page saying so, with the status the one
 * error table (http/errors.ts) gives it; the server carries on.
 */
import { MemflowError } from "@memflow-ts/core";
import { Elysia } from "elysia";
import { failure, html as htmlResponse, INTERNAL_ERROR } from "../http/api-docs.ts";
import { httpErrorOf } from "../http/errors.ts";
import { RequestError } from "../http/request-error.ts";
import type { QueryValues } from "../http/route-validator.ts";
import { one, parseAddress } from "../inventory/inventory-query.ts";
import { checkLocalClient, type InventoryAccess } from "../inventory/inventory-routes.ts";
import { processParam } from "../inventory/os-routes.ts";
import type { ModuleInfoJson, ProcessInfoJson } from "../inventory/os-schemas.ts";
import type { SessionPool } from "../inventory/session-pool.ts";
import {
  EXPLORER_PATH,
  explorerErrorPage,
  memoryPage,
  modulesPage,
  processesPage,
  type SessionView,
} from "./explorer-pages.ts";
import { hexRows } from "./hex-rows.ts";
import { page } from "./html.ts";
import type { PageOptions } from "./pages.ts";
import { processRows, tableQuery } from "./process-table.ts";

/** Bytes per page of the hex view: 32 rows. */
export const HEX_PAGE_BYTES = 512;

export interface ExplorerOptions extends PageOptions {
  readonly access: InventoryAccess;
  readonly pool: SessionPool;
  /** Whether the request is signed in to the inventory pages. */
  readonly signedIn: (request: Request) => boolean;
  /** The page for a request that is not signed in. */
  readonly signIn: () => Response;
}

const DOCS = {
  tags: ["web"],
  responses: {
    200: htmlResponse("the page"),
    401: htmlResponse("the sign-in form: no token yet, or a wrong one"),
    403: failure("`forbidden`: a client on another machine"),
    404: htmlResponse("no such session, process or module: the page says which, and why a session ended"),
    502: htmlResponse("the session's plugin crashed: the page names it; the session has ended"),
    500: INTERNAL_ERROR,
  },
};

/** An error a page can show, with its status; anything else is the server's fault and goes on to onError. */
function errorPage(error: unknown, options: PageOptions): Response {
  const answer = httpErrorOf(error);
  if (answer === undefined || answer.status === 500) throw error;
  const title = answer.code === "plugin-crashed" ? "The session's plugin crashed" : "Not available";
  return page(explorerErrorPage(title, answer.message, options), answer.status);
}

/** `?offset=` of the hex view, from the module's base, rounded down to a row. */
function offsetOf(query: Record<string, unknown>, size: bigint): bigint {
  const text = one(query as QueryValues, "offset");
  if (text === undefined) return 0n;
  const offset = parseAddress(text, "offset");
  if (offset >= size && offset > 0n) throw new RequestError("bad-request", `offset ${text} is past the module's end`);
  return offset - (offset % 16n);
}

export function explorerRoutes(options: ExplorerOptions) {
  const { pool } = options;
  const sessionOf = (id: string): SessionView => {
    const listed = pool.list().find((session) => session.id === id);
    return { id, chain: listed?.chain ?? "" };
  };
  const processOf = async (id: string, text: string) =>
    (await pool.osValue(id, { op: "process", process: processParam(text) })) as ProcessInfoJson;
  /** Runs `render` when signed in, and shows what failed as a page. */
  const guarded =
    <P>(render: (context: { params: P; query: Record<string, unknown>; request: Request }) => Promise<Response>) =>
    async (context: { params: P; query: Record<string, unknown>; request: Request }) => {
      if (!options.signedIn(context.request)) return options.signIn();
      try {
        return await render(context);
      } catch (error) {
        return errorPage(error, options);
      }
    };
  return new Elysia({ name: "web-process-explorer" })
    .onBeforeHandle(({ request, server }) => checkLocalClient(server?.requestIP(request)?.address, options.access))
    .post(
      EXPLORER_PATH,
      guarded(async ({ request }) => {
        const chain = (new URLSearchParams(await request.text()).get("chain") ?? "").trim();
        if (chain === "") throw new RequestError("bad-request", "give a chain, such as -c dummy -o dummy");
        const { id } = await pool.open(chain.split(/\s+/), { signal: request.signal });
        return new Response(null, { status: 303, headers: { location: `${EXPLORER_PATH}/${id}` } });
      }),
      { parse: "none", detail: { ...DOCS, summary: "Web UI: open a session from a chain (form field chain)" } },
    )
    .get(
      `${EXPLORER_PATH}/:id`,
      guarded(async ({ params, query }: { params: { id: string }; query: Record<string, unknown> }) => {
        const table = tableQuery(query);
        const os = (await pool.osValue(params.id, { op: "os-info" })) as Parameters<typeof processesPage>[1];
        const { processes } = (await pool.osValue(params.id, { op: "processes" })) as {
          processes: ProcessInfoJson[];
        };
        const rows = processRows(processes, table);
        return page(processesPage(sessionOf(params.id), os, rows, processes.length, table, options));
      }),
      { detail: { ...DOCS, summary: "Web UI: a session's processes (?q= filters, ?sort=&order= sorts)" } },
    )
    .get(
      `${EXPLORER_PATH}/:id/processes/:process`,
      guarded(async ({ params }: { params: { id: string; process: string } }) => {
        const process = await processOf(params.id, params.process);
        const { modules } = (await pool.osValue(params.id, { op: "modules", process: { pid: process.pid } })) as {
          modules: ModuleInfoJson[];
        };
        return page(modulesPage(sessionOf(params.id), process, modules, options));
      }),
      { detail: { ...DOCS, summary: "Web UI: a process's modules" } },
    )
    .get(
      `${EXPLORER_PATH}/:id/processes/:process/modules/:module/memory`,
      guarded(
        async ({
          params,
          query,
        }: {
          params: { id: string; process: string; module: string };
          query: Record<string, unknown>;
        }) => {
          const process = await processOf(params.id, params.process);
          const { modules } = (await pool.osValue(params.id, { op: "modules", process: { pid: process.pid } })) as {
            modules: ModuleInfoJson[];
          };
          const module = modules.find((candidate) => candidate.name === params.module);
          if (module === undefined) {
            throw new MemflowError(
              "OsLayer",
              "ModuleNotFound",
              `${process.name} has no module ${JSON.stringify(params.module)}`,
            );
          }
          const size = BigInt(module.size);
          const offset = offsetOf(query, size);
          const length = Number(size - offset < BigInt(HEX_PAGE_BYTES) ? size - offset : BigInt(HEX_PAGE_BYTES));
          const address = BigInt(module.base) + offset;
          const read =
            length === 0
              ? { bytes: Buffer.alloc(0), unreadable: [] }
              : await pool.virtualRead(params.id, { pid: process.pid }, address, length);
          const bytes = read.bytes;
          return page(
            memoryPage(
              sessionOf(params.id),
              {
                process,
                module,
                offset,
                pageBytes: HEX_PAGE_BYTES,
                rows: hexRows(address, bytes, read.unreadable),
                unreadableBytes: read.unreadable.reduce((total, stretch) => total + stretch.length, 0),
              },
              options,
            ),
          );
        },
      ),
      { detail: { ...DOCS, summary: "Web UI: a module's memory as a hex view (?offset= pages)" } },
    )
    .post(
      `${EXPLORER_PATH}/:id/close`,
      guarded(async ({ params }: { params: { id: string } }) => {
        await pool.close(params.id);
        return new Response(null, { status: 303, headers: { location: "/ui/inventory" } });
      }),
      { detail: { ...DOCS, summary: "Web UI: close a session" } },
    );
}

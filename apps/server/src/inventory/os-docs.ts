/**
 * What the OpenAPI document says of the OS routes (os-routes.ts): summaries, the bodies of
 * os-schemas.ts, and memflow's errors as they reach a client: an unknown process or module is a
 * 404, a session without an OS a 400, what the plugin could not do a 422.
 */
import { t } from "elysia";
import { failure, json } from "../http/api-docs.ts";
import { inventoryRoute, NO_SESSION, SESSION_FAILED } from "./inventory-docs.ts";
import {
  EXPORT_LIST,
  IMPORT_LIST,
  MODULE_LIST,
  OS_INFO,
  PROCESS_INFO,
  PROCESS_LIST,
  SECTION_LIST,
  VIRTUAL_READ,
} from "./os-schemas.ts";

const NOT_AN_OS = failure("`not-an-os`: the session's chain ends with a connector, not an OS");
const NO_PROCESS = failure(
  "`not-found`: no open session has that id, or memflow's ProcessNotFound: no process with that pid, " +
    "or none alive with that name",
);
const NO_MODULE = failure(
  "`not-found`: as for the process, or memflow's ModuleNotFound: the process has no such module",
);
const BAD_PROCESS = failure("`bad-request`: a pid out of range (the process is a pid when all digits, else a name)");

const OS_ROUTE = { 400: NOT_AN_OS, ...SESSION_FAILED };

export const osDocs = {
  info: inventoryRoute("The OS of a session (memflow's OsInfo)", {
    200: json("the kernel's base, size and architecture", OS_INFO),
    404: NO_SESSION,
    ...OS_ROUTE,
  }),
  processes: inventoryRoute("The processes of a session's OS (memflow's process_info_list)", {
    200: json("every process, in the OS's order", PROCESS_LIST),
    404: NO_SESSION,
    ...OS_ROUTE,
  }),
  process: inventoryRoute("One process, by pid or by name", {
    200: json("memflow's ProcessInfo", PROCESS_INFO),
    400: BAD_PROCESS,
    404: NO_PROCESS,
    ...SESSION_FAILED,
  }),
  modules: inventoryRoute("A process's modules", {
    200: json("memflow's ModuleInfo of each", MODULE_LIST),
    400: BAD_PROCESS,
    404: NO_PROCESS,
    ...SESSION_FAILED,
  }),
  exports: inventoryRoute("A module's exports (offsets from its base)", {
    200: json("the module and its exports", EXPORT_LIST),
    400: BAD_PROCESS,
    404: NO_MODULE,
    ...SESSION_FAILED,
  }),
  imports: inventoryRoute("A module's imports (offsets from its base)", {
    200: json("the module and its imports", IMPORT_LIST),
    400: BAD_PROCESS,
    404: NO_MODULE,
    ...SESSION_FAILED,
  }),
  sections: inventoryRoute("A module's sections (absolute bases)", {
    200: json("the module and its sections", SECTION_LIST),
    400: BAD_PROCESS,
    404: NO_MODULE,
    ...SESSION_FAILED,
  }),
  read: inventoryRoute("Read a process's virtual memory; unmapped stretches are listed, not an error", {
    200: {
      description:
        "the bytes, unreadable ones zero: hex in JSON with the unreadable stretches (`format=hex`, the default), " +
        "or raw (`format=binary`) with the stretches as JSON in the `x-memflow-unreadable` header",
      headers: {
        "x-memflow-unreadable": {
          description: "binary reads: the unreadable stretches, as in the JSON body",
          schema: t.String(),
        },
      },
      content: {
        "application/json": { schema: VIRTUAL_READ },
        "application/octet-stream": { schema: t.String({ format: "binary" }) },
      },
    },
    400: failure(
      "`bad-request`: an address, length or format that does not parse, a range past 2^64, a pid out of range",
    ),
    404: NO_PROCESS,
    ...SESSION_FAILED,
  }),
  write: inventoryRoute(
    "Write a process's virtual memory (plugins allowed to write only)",
    {
      204: { description: "written" },
      400: failure("`bad-request`: an address that does not parse, a range past 2^64, a pid out of range"),
      403: failure("`not-allowed`: a plugin of the chain may not write"),
      404: NO_PROCESS,
      413: failure("`too-large`: more bytes than one write may carry"),
      422: failure(
        "`memory-error`: memflow's PartialData: part of the range is not mapped; nothing is promised of the rest",
      ),
      ...SESSION_FAILED,
    },
    {
      requestBody: {
        required: true,
        content: { "application/octet-stream": { schema: t.String({ format: "binary" }) } },
      },
    },
  ),
};

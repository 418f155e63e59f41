/** The web UI: `/` (plugins with search), `/ui/plugins/:name` and, when enabled, `/ui/inventory`. */
import { Elysia } from "elysia";
import { failure, html as htmlResponse, INTERNAL_ERROR } from "../http/api-docs.ts";
import { RequestError } from "../http/request-error.ts";
import { routeValidator } from "../http/route-validator.ts";
import { checkLocalClient, type InventoryAccess } from "../inventory/inventory-routes.ts";
import { describeInventory } from "../inventory/local-inventory.ts";
import type { PluginStore } from "../storage/plugin-store.ts";
import { page } from "./html.ts";
import { inventoryPage, pluginListPage, pluginPage } from "./pages.ts";

/** Enough for every variant of one plugin on one page. */
const ALL_VARIANTS = 10_000;

const search = routeValidator(
  ({ q }: Record<string, unknown>) => {
    // `?q=a&q=b` arrives as an array; the page has one search box.
    if (q !== undefined && typeof q !== "string") throw new RequestError("bad-request", "q: give one search");
    return { q: q ?? "" };
  },
  {
    type: "object",
    properties: { q: { type: "string", description: "words to find in plugin names and descriptions" } },
  },
);

export function webRoutes(store: PluginStore, inventory: InventoryAccess | undefined) {
  const options = { inventory: inventory !== undefined };
  const app = new Elysia({ name: "web-ui" })
    .get("/", ({ query }) => page(pluginListPage(store.names(), query.q, options)), {
      query: search,
      detail: {
        summary: "Web UI: the plugin list, with search",
        tags: ["web"],
        responses: { 200: htmlResponse("the page"), 500: INTERNAL_ERROR },
      },
    })
    .get(
      "/ui/plugins/:name",
      ({ params }) => {
        const { plugins } = store.listed(params.name, { limit: ALL_VARIANTS });
        return page(pluginPage(params.name, plugins, options), plugins.length === 0 ? 404 : 200);
      },
      {
        detail: {
          summary: "Web UI: every variant of one plugin, with its byte order",
          tags: ["web"],
          responses: {
            200: htmlResponse("the page"),
            404: htmlResponse("no plugin of that name"),
            500: INTERNAL_ERROR,
          },
        },
      },
    );
  if (inventory === undefined) return app;
  return app.get(
    "/ui/inventory",
    ({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, inventory);
      return page(inventoryPage(describeInventory(inventory.source), options));
    },
    {
      detail: {
        summary: "Web UI: the plugins of the server's machine",
        tags: ["web"],
        responses: {
          200: htmlResponse("the page"),
          403: failure("`forbidden`: a client on another machine"),
          500: INTERNAL_ERROR,
        },
      },
    },
  );
}

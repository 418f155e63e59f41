/** The web UI: `/` (plugins with search), `/ui/plugins/:name` and, when enabled, `/ui/inventory`. */
import { Elysia } from "elysia";
import { checkLocalClient, type InventoryAccess } from "../inventory/inventory-routes.ts";
import { describeInventory } from "../inventory/local-inventory.ts";
import type { PluginStore } from "../storage/plugin-store.ts";
import { page } from "./html.ts";
import { inventoryPage, pluginListPage, pluginPage } from "./pages.ts";

/** Enough for every variant of one plugin on one page. */
const ALL_VARIANTS = 10_000;

export function webRoutes(store: PluginStore, inventory: InventoryAccess | undefined) {
  const options = { inventory: inventory !== undefined };
  const app = new Elysia({ name: "web-ui" })
    .get("/", ({ query }) => page(pluginListPage(store.names(), query.q ?? "", options)), {
      detail: { summary: "Web UI: the plugin list, with search (?q=)", tags: ["web"] },
    })
    .get(
      "/ui/plugins/:name",
      ({ params }) => {
        const { plugins } = store.find(params.name, { limit: ALL_VARIANTS });
        return page(pluginPage(params.name, plugins, options), plugins.length === 0 ? 404 : 200);
      },
      { detail: { summary: "Web UI: every variant of one plugin", tags: ["web"] } },
    );
  if (inventory === undefined) return app;
  return app.get(
    "/ui/inventory",
    ({ request, server }) => {
      checkLocalClient(server?.requestIP(request)?.address, inventory);
      return page(inventoryPage(describeInventory(inventory.source), options));
    },
    { detail: { summary: "Web UI: the plugins of the server's machine", tags: ["web"] } },
  );
}

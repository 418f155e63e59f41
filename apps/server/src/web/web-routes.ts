/**
 * The web UI: `/` (plugins with search), `/ui/plugins/:name` and, when enabled, `/ui/inventory`,
 * which wants the inventory token: an `Authorization` header, or the cookie its login form sets
 * (inventory-login.ts).
 */
import { Elysia } from "elysia";
import { AuthError } from "../auth-error.ts";
import { checkBearerToken } from "../bearer-token.ts";
import { checkLocalClient, type InventoryAccess } from "../inventory/inventory-routes.ts";
import { describeInventory } from "../inventory/local-inventory.ts";
import type { PluginStore } from "../storage/plugin-store.ts";
import { page } from "./html.ts";
import { InventoryLogin, LOGIN_PATH } from "./inventory-login.ts";
import { inventoryPage, loginPage, pluginListPage, pluginPage } from "./pages.ts";

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
  const login = new InventoryLogin();
  const secure = (request: Request) => new URL(request.url).protocol === "https:";
  /** A header must be right (a wrong one is a 401 error); without one, the cookie decides. */
  const signedIn = (request: Request) => {
    const authorization = request.headers.get("authorization");
    if (authorization === null) return login.accepts(request.headers.get("cookie"));
    checkBearerToken(authorization, inventory.token);
    return true;
  };
  const seeOther = (cookie: string) =>
    new Response(null, { status: 303, headers: { location: LOGIN_PATH, "set-cookie": cookie } });
  return (
    app
      // Registered after the public pages, so it guards the inventory's routes only.
      .onBeforeHandle(({ request, server }) => checkLocalClient(server?.requestIP(request)?.address, inventory))
      .get(
        LOGIN_PATH,
        ({ request }) =>
          signedIn(request)
            ? page(inventoryPage(describeInventory(inventory.source), options))
            : page(loginPage(undefined, options), 401),
        { detail: { summary: "Web UI: the plugins of the server's machine (inventory token)", tags: ["web"] } },
      )
      .post(
        `${LOGIN_PATH}/login`,
        async ({ request }) => {
          const token = new URLSearchParams(await request.text()).get("token") ?? "";
          try {
            checkBearerToken(`Bearer ${token}`, inventory.token);
          } catch (error) {
            if (!(error instanceof AuthError)) throw error;
            return page(loginPage("That is not the inventory token.", options), 401);
          }
          return seeOther(login.cookie(secure(request)));
        },
        {
          parse: "none",
          detail: { summary: "Web UI: sign in to the inventory page (form field token)", tags: ["web"] },
        },
      )
      .post(`${LOGIN_PATH}/logout`, ({ request }) => seeOther(login.signedOut(secure(request))), {
        detail: { summary: "Web UI: sign out of the inventory page", tags: ["web"] },
      })
  );
}

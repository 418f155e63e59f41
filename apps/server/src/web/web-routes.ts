/**
 * The web UI: `/` (plugins with search), `/ui/plugins/:name` and, when enabled, `/ui/inventory`,
 * which wants the inventory token: an `Authorization` header, or the cookie its login form sets
 * (inventory-login.ts).
 */
import { Elysia } from "elysia";
import { AuthError } from "../auth-error.ts";
import { checkBearerToken } from "../bearer-token.ts";
import { failure, html as htmlResponse, INTERNAL_ERROR } from "../http/api-docs.ts";
import { RequestError } from "../http/request-error.ts";
import { routeValidator } from "../http/route-validator.ts";
import { checkLocalClient, type InventoryAccess } from "../inventory/inventory-routes.ts";
import { describeInventory } from "../inventory/local-inventory.ts";
import type { SessionPool } from "../inventory/session-pool.ts";
import type { RegistryStore } from "../storage/registry-store.ts";
import { explorerRoutes } from "./explorer-routes.ts";
import { page } from "./html.ts";
import { InventoryLogin, LOGIN_PATH } from "./inventory-login.ts";
import { inventoryPage, loginPage, pluginListPage, pluginPage } from "./pages.ts";

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

/** The inventory's access settings and the session pool its pages open sessions in. */
export interface WebInventory {
  readonly access: InventoryAccess;
  readonly pool: SessionPool;
}

export function webRoutes(store: RegistryStore, web: WebInventory | undefined) {
  const inventory = web?.access;
  const options = { inventory: inventory !== undefined };
  const app = new Elysia({ name: "web-ui" })
    .get("/", async ({ query }) => page(pluginListPage(await store.names(), query.q, options)), {
      query: search,
      detail: {
        summary: "Web UI: the plugin list, with search",
        tags: ["web"],
        responses: { 200: htmlResponse("the page"), 500: INTERNAL_ERROR },
      },
    })
    .get(
      "/ui/plugins/:name",
      async ({ params }) => {
        const { plugins } = await store.listed(params.name, { limit: ALL_VARIANTS });
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
  if (web === undefined || inventory === undefined) return app;
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
            ? page(inventoryPage(describeInventory(inventory.source), web.pool.list(), options))
            : page(loginPage(undefined, options), 401),
        {
          detail: {
            summary: "Web UI: the plugins of the server's machine (inventory token)",
            tags: ["web"],
            responses: {
              200: htmlResponse("the page"),
              401: htmlResponse("the sign-in form: no token yet, or a wrong one"),
              403: failure("`forbidden`: a client on another machine"),
              500: INTERNAL_ERROR,
            },
          },
        },
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
          detail: {
            summary: "Web UI: sign in to the inventory page (form field token)",
            tags: ["web"],
            responses: {
              303: { description: "signed in: the cookie is set, on to the page" },
              401: htmlResponse("the sign-in form again: not the inventory token"),
              403: failure("`forbidden`: a client on another machine"),
            },
          },
        },
      )
      .use(
        explorerRoutes({
          ...options,
          access: inventory,
          pool: web.pool,
          signedIn,
          signIn: () => page(loginPage(undefined, options), 401),
        }),
      )
      .post(`${LOGIN_PATH}/logout`, ({ request }) => seeOther(login.signedOut(secure(request))), {
        detail: {
          summary: "Web UI: sign out of the inventory page",
          tags: ["web"],
          responses: { 303: { description: "signed out: the cookie is cleared" } },
        },
      })
  );
}

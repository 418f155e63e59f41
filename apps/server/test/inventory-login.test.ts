/**
 * The inventory page wants the inventory token: a login form posts it once, the answer sets an
 * HttpOnly, SameSite=Strict cookie scoped to the page, and the token never appears in a URL, a
 * cookie or a page. The cookie opens the page only, never the API. In-process, then once in
 * headless Chromium (Debian `chromium`, driven by playwright-core) against 127.0.0.1.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { createApp } from "../src/app.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import { InventoryLogin, LOGIN_COOKIE } from "../src/web/inventory-login.ts";
import { launchChromium } from "./chromium.ts";

const TOKEN = "inventory-token-0123456789";
const folder = mkdtempSync(join(tmpdir(), "memflow-ts-inventory-login-"));
const pluginDir = join(folder, "plugins-to-list");
mkdirSync(pluginDir);
const store = new PluginStore(join(folder, "storage"));
const app = createApp({ store, inventory: { token: TOKEN, source: { pluginDirectories: [pluginDir] } } });
// The browser test starts a server and Chromium only when it runs (Chromium may be missing).
const running: { stop(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const part of running.reverse()) await part.stop();
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.handle(new Request(`http://localhost${path}`, { headers }));
}

function signIn(token: string): Promise<Response> {
  return app.handle(
    new Request("http://localhost/ui/inventory/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    }),
  );
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The `name=value` part of a response's Set-Cookie. */
const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

describe("the inventory page", () => {
  test("without the token shows a login form that posts it, and nothing of the inventory", async () => {
    const response = await get("/ui/inventory");
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).toContain('<form method="post" action="/ui/inventory/login">');
    expect(text).toContain('<input type="password" name="token"');
    expect(text).not.toContain(pluginDir);
  });

  test("a wrong token is refused with the form again; no cookie", async () => {
    const response = await signIn("not-the-token");
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("That is not the inventory token.");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  test("the right token gets an HttpOnly, SameSite=Strict cookie for the page, which then opens", async () => {
    const response = await signIn(TOKEN);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/ui/inventory");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      new RegExp(`^${LOGIN_COOKIE}=\\d+\\.[\\w-]{43}; Path=/ui/inventory; Max-Age=43200; HttpOnly; SameSite=Strict$`),
    );
    expect(setCookie).not.toContain(TOKEN);
    const page = await get("/ui/inventory", { cookie: `other=1; ${cookieOf(response)}` });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(pluginDir);
    expect(text).not.toContain(TOKEN);
  });

  test("over HTTPS the cookie is Secure too", async () => {
    const response = await app.handle(
      new Request("https://localhost/ui/inventory/login", { method: "POST", body: `token=${TOKEN}` }),
    );
    expect(response.headers.get("set-cookie")).toEndWith("; Secure");
  });

  test("a forged, altered or expired cookie does not open it", async () => {
    const cookie = cookieOf(await signIn(TOKEN));
    const [name, value = ""] = cookie.split("=");
    const [expires, signature = ""] = value.split(".");
    // The same signature bytes spelt otherwise: base64url's last character has two unused bits.
    const last = BASE64URL[(BASE64URL.indexOf(signature.at(-1) ?? "") ^ 1) & 63] ?? "";
    const respelt = `${signature.slice(0, -1)}${last}`;
    expect(Buffer.from(respelt, "base64url")).toEqual(Buffer.from(signature, "base64url"));
    for (const forged of [
      `${name}=${Number(expires) + 1000}.${signature}`,
      `${name}=${expires}.${respelt}`,
      `${name}=${expires}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`,
      `${name}=${TOKEN}`,
    ]) {
      expect((await get("/ui/inventory", { cookie: forged })).status).toBe(401);
    }
    let now = Date.now();
    const login = new InventoryLogin(() => now);
    const fresh = login.cookie(false).split(";")[0] ?? "";
    expect(login.accepts(fresh)).toBe(true);
    now += 12 * 60 * 60 * 1000;
    expect(login.accepts(fresh)).toBe(false);
    // Another server process (a restart) has another key.
    expect(new InventoryLogin().accepts(cookieOf(await signIn(TOKEN)))).toBe(false);
  });

  test("the cookie never opens the API; the API wants the Authorization header", async () => {
    const cookie = cookieOf(await signIn(TOKEN));
    expect((await get("/api/inventory/plugins", { cookie })).status).toBe(401);
    expect((await get("/api/inventory/plugins", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  test("the page also takes the token as a bearer header, and refuses a wrong one", async () => {
    expect((await get("/ui/inventory", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get("/ui/inventory", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  test("signing out clears the cookie", async () => {
    const response = await app.handle(new Request("http://localhost/ui/inventory/logout", { method: "POST" }));
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toBe(
      `${LOGIN_COOKIE}=; Path=/ui/inventory; Max-Age=0; HttpOnly; SameSite=Strict`,
    );
  });
});

const browserTool = requireTool("chromium", "chromium");

test.skipIf(!browserTool.available)(
  "sign in with the token, keep an HttpOnly SameSite=Strict cookie, sign out",
  async () => {
    const server = app.listen({ hostname: "127.0.0.1", port: 0 });
    running.push({ stop: () => server.stop() });
    const base = `http://127.0.0.1:${server.server?.port}`;
    const browser = await launchChromium(browserTool);
    running.push({ stop: () => browser.close() });
    const context = await browser.newContext();
    const page = await context.newPage();
    const visited: string[] = [];
    page.on("request", (request) => visited.push(request.url()));
    await page.goto(`${base}/ui/inventory`);
    expect(await page.title()).toBe("Sign in · memflow-ts registry");

    await page.getByLabel("Inventory token").fill("a wrong token");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.locator("#problem").textContent()).toBe("That is not the inventory token.");

    await page.getByLabel("Inventory token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/ui/inventory`);
    expect(await page.title()).toBe("Local inventory · memflow-ts registry");
    expect(await page.locator("code").allTextContents()).toContain(pluginDir);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/ui/inventory" });
    expect(cookie?.value).not.toContain(TOKEN);
    // Scripts on the page see no cookie at all (HttpOnly).
    expect(await page.evaluate("document.cookie")).toBe("");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/ui/inventory`);
    expect(await page.title()).toBe("Sign in · memflow-ts registry");
    expect(await context.cookies()).toEqual([]);
    expect(visited.filter((url) => url.includes(TOKEN))).toEqual([]);
    await context.close();
  },
  60_000,
);

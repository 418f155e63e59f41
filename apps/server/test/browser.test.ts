/**
 * The web UI in headless Chromium (Debian `chromium`, driven by playwright-core): browse the
 * plugin list, search, open a plugin page, download a file and check its sha256.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { type ServedApp, serveToChromium } from "./chromium.ts";
import { fixture, type Registry, rebuilt, registry, sha256 } from "./helpers.ts";

const browserTool = requireTool("chromium", "chromium");
let r: Registry;
let served: ServedApp | undefined;
let base = "";
const gcc = fixture("elf/x86_64-gcc.so");
const newest = rebuilt(gcc, 7);

beforeAll(async () => {
  if (!browserTool.available) return;
  r = registry();
  for (const file of [gcc, newest, fixture("elf/x86_64-multi.so"), fixture("elf/aarch64-gcc.so")]) await r.upload(file);
  served = await serveToChromium(r.app, browserTool);
  base = served.base;
});

afterAll(async () => {
  await served?.close();
  r?.dispose();
});

test.skipIf(!browserTool.available)(
  "list, search, plugin page, download with a matching sha256",
  async () => {
    const context = await (served as ServedApp).browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.title()).toBe("Plugins · memflow-ts registry");
    expect(await page.locator("#plugins tbody tr").count()).toBe(4);

    await page.getByRole("searchbox", { name: "Search plugins" }).fill("aarch64");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\?q=aarch64/);
    expect(await page.locator("#plugins tbody tr").allInnerTexts()).toEqual(["gcc_aarch64\taarch64 RELA relocations"]);
    expect(await page.locator("#summary").textContent()).toBe("1 of 4 plugins match “aarch64”");

    await page.getByRole("searchbox", { name: "Search plugins" }).fill("gcc_x86");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "gcc_x86_64" }).click();
    await page.waitForURL(/\/ui\/plugins\/gcc_x86_64$/);
    const rows = page.locator("#variants tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.first().locator("code").textContent()).toBe(sha256(newest));

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      rows.first().getByRole("link", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`libmemflow_gcc_x86_64_${sha256(newest).slice(0, 7)}.so`);
    const path = await download.path();
    expect(sha256(readFileSync(path))).toBe(sha256(newest));
    await context.close();
  },
  60_000,
);

test.skipIf(!browserTool.available)(
  "the API reference renders with every other host blocked, and links its document",
  async () => {
    const context = await (served as ServedApp).browser.newContext();
    const foreign: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`)) return route.continue();
      foreign.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${base}/openapi`);
    const title = page.locator(".swagger-ui .info .title");
    await title.waitFor();
    expect(await title.textContent()).toContain("memflow-ts-server");
    // One block per operation of the document.
    await page.locator(".opblock").first().waitFor();
    expect(await page.locator(".opblock").count()).toBe(9);
    expect(await page.locator("#openapi-json").getAttribute("href")).toBe("/openapi/json");
    expect({ foreign, problems }).toEqual({ foreign: [], problems: [] });
    await context.close();
  },
  60_000,
);

/**
 * Issue 16, the process explorer in headless Chromium (Debian `chromium`, driven by
 * playwright-core), on the SDK's dummy OS: sign in, open a session from the inventory page, filter
 * and sort the process table, open a process's modules, page through a module's memory to its
 * unmapped page, and open a session whose OS plugin crashes. Each step leaves a screenshot in
 * test/artefacts/os-explorer/ (ignored by git, rewritten on each run).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dummyOsBytes } from "@memflow-ts/sdk";
import type { Page } from "playwright-core";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { type ServedApp, serveToChromium } from "./chromium.ts";
import {
  BUILD_TIMEOUT_MS,
  buildOsPlugins,
  CRASHOS_CHAIN,
  DUMMY_OS_CHAIN,
  DUMMY_SEED,
  INVENTORY_TOKEN,
  type OsServer,
  osServer,
} from "./os-plugins.ts";

const browserTool = requireTool("chromium", "chromium");
const gcc = requireTool("gcc", "gcc");
const ready = browserTool.available && gcc.available;
const ARTEFACTS = join(import.meta.dir, "artefacts", "os-explorer");
let server: OsServer | undefined;
let served: ServedApp | undefined;
let base = "";

beforeAll(async () => {
  if (!ready) return;
  mkdirSync(ARTEFACTS, { recursive: true });
  server = osServer();
  buildOsPlugins(server.pluginDir);
  served = await serveToChromium(server.app, browserTool);
  base = served.base;
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await served?.close();
  server?.dispose();
});

const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });

/** A page of a new browser context, signed in to the inventory pages. */
async function signedInPage(height: number): Promise<Page> {
  const context = await (served as ServedApp).browser.newContext({ viewport: { width: 1280, height } });
  const page = await context.newPage();
  await page.goto(`${base}/ui/inventory`);
  await page.getByRole("textbox", { name: "Inventory token" }).fill(INVENTORY_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/ui/inventory`);
  return page;
}

async function openSession(page: Page, chain: string): Promise<void> {
  await page.goto(`${base}/ui/inventory`);
  await page.getByRole("searchbox", { name: "Chain" }).fill(chain);
  await page.getByRole("button", { name: "Open" }).click();
  await page.waitForURL(/\/ui\/inventory\/sessions\/[0-9a-f-]{36}$/);
}

const pids = (page: Page) => page.locator("#processes tbody tr td:first-child").allInnerTexts();

test.skipIf(!ready)(
  "sign in, open a dummy OS, filter and sort its processes, its modules, a module's memory page by page",
  async () => {
    const page = await signedInPage(900);
    await openSession(page, DUMMY_OS_CHAIN);
    expect(await page.title()).toBe("Processes · memflow-ts registry");
    expect(await pids(page)).toEqual(["1", "2", "3", "4"]);
    await shoot(page, "1-processes");

    await page.getByRole("searchbox", { name: "Filter processes" }).fill("dummy3");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/q=dummy3/);
    expect(await pids(page)).toEqual(["3"]);
    expect(await page.locator("#summary").textContent()).toBe("1 of 4 processes match “dummy3”");
    await shoot(page, "2-filtered");

    await page.getByRole("searchbox", { name: "Filter processes" }).fill("");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: "PID ▲" }).click();
    await page.waitForURL(/order=desc/);
    expect(await pids(page)).toEqual(["4", "3", "2", "1"]);
    await shoot(page, "3-sorted");

    await page.getByRole("link", { name: "dummy2", exact: true }).click();
    await page.waitForURL(/\/processes\/2$/);
    const moduleRows = page.locator("#modules tbody tr");
    expect(await moduleRows.count()).toBeGreaterThanOrEqual(2);
    const cell = async (index: number) =>
      BigInt((await moduleRows.first().locator("td").nth(index).textContent()) ?? "");
    const moduleBase = await cell(1);
    const pages = Number((await cell(2)) / 0x1000n);
    await shoot(page, "4-modules");

    await moduleRows.first().getByRole("link").click();
    await page.waitForURL(/\/modules\/dummy2\/memory$/);
    const firstLine = ((await page.locator("#hex").textContent()) ?? "").split("\n")[0] ?? "";
    const [address, ...words] = firstLine.trim().split(/\s+/);
    expect(BigInt(`0x${address}`)).toBe(moduleBase);
    expect(words.slice(0, 16).join("")).toBe(Buffer.from(dummyOsBytes(DUMMY_SEED, 2, moduleBase, 16)).toString("hex"));
    await shoot(page, "5-memory");

    // Page forward to the module's unmapped page (page floor(n / 2) of its n pages, dummy-os.md).
    const hole = Math.floor(pages / 2) * 0x1000;
    for (let offset = 0x200; offset <= hole; offset += 0x200) {
      await page.getByRole("link", { name: "Next ›" }).click();
      await page.waitForURL(new RegExp(`offset=0x${offset.toString(16)}$`));
    }
    expect(await page.locator("#unreadable").textContent()).toContain("512 bytes of this page could not be read");
    expect(await page.locator("#hex .unreadable").count()).toBe(512 * 2);
    await shoot(page, "6-unmapped");
    await page.getByRole("link", { name: "« First" }).click();
    await page.waitForURL(/offset=0x0$/);
    expect(await page.locator("#unreadable").count()).toBe(0);
    await page.context().close();
  },
  120_000,
);

test.skipIf(!ready)(
  "an OS plugin that crashes is reported on the page; the server carries on",
  async () => {
    const page = await signedInPage(600);
    await openSession(page, CRASHOS_CHAIN);
    expect(await page.locator("h1").textContent()).toBe("The session's plugin crashed");
    expect(await page.locator("#problem").textContent()).toBe(
      "the plugin crashos crashed: its session process was killed by SIGSEGV",
    );
    await shoot(page, "7-crashed");
    await page.reload();
    expect(await page.locator("#problem").textContent()).toContain("has ended: the plugin crashos crashed");
    await openSession(page, DUMMY_OS_CHAIN);
    expect(await pids(page)).toEqual(["1", "2", "3", "4"]);
    await page.context().close();
  },
  60_000,
);

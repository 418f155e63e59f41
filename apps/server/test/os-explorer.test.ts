/**
 * Issue 16, the web UI's process explorer, in-process: opening a session from the inventory page,
 * the process table's server-side filter and sort, a process's modules, a module's hex view with
 * paging and its unmapped page, what a plugin names escaped, and a crashing OS plugin reported on
 * the page while the server carries on. The same pages in real Chromium: os-explorer-browser.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { dummyOsBytes } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import type { ProcessInfoJson } from "../src/inventory/os-schemas.ts";
import { processRows, tableQuery } from "../src/web/process-table.ts";
import { CRASHOS_CHAIN, DUMMY_OS_CHAIN, DUMMY_SEED, osServerForTests, TESTOS_CHAIN } from "./os-plugins.ts";

const gcc = requireTool("gcc", "gcc");
const server = osServerForTests(gcc.available);

async function page(path: string, init?: RequestInit, token?: string | null) {
  const response = await server.call(path, init, token);
  return { status: response.status, location: response.headers.get("location"), body: await response.text() };
}

/** Opens a session the way the inventory page's form does; returns the page it leads to. */
async function openFromForm(chain: string): Promise<string> {
  const opened = await page("/ui/inventory/sessions", {
    method: "POST",
    body: new URLSearchParams({ chain }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  expect(opened.status).toBe(303);
  return opened.location ?? "";
}

/** The text of each row of the table with id `table`, cells joined by `|`, tags dropped. */
function rows(body: string, table: string): string[] {
  const tbody = new RegExp(`<table id="${table}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(body)?.[1] ?? "";
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<td>([\s\S]*?)<\/td>/g)]
      .map((cell) => (cell[1] ?? "").replace(/<[^>]+>/g, ""))
      .join("|"),
  );
}

const info = (pid: number, name: string, path = `/usr/bin/${name}`): ProcessInfoJson => ({
  address: "0x1000",
  pid,
  name,
  state: "Alive",
  exit_code: null,
  path,
  command_line: path,
  sys_arch: "x86_64",
  proc_arch: "x86_64",
  dtb1: "0x0",
  dtb2: "0x0",
});

describe("the process table's query", () => {
  const processes = [info(3, "zsh"), info(10, "init"), info(2, "bash", "/bin/bash"), info(1, "Bash")];
  test("sorts by any column, ties by pid, and filters by name, path, command line or exact pid", () => {
    const pids = (query: Record<string, string>) => processRows(processes, tableQuery(query)).map((p) => p.pid);
    expect(pids({})).toEqual([1, 2, 3, 10]);
    expect(pids({ sort: "name" })).toEqual([1, 2, 10, 3]);
    expect(pids({ sort: "pid", order: "desc" })).toEqual([10, 3, 2, 1]);
    expect(pids({ q: "BASH" })).toEqual([1, 2]);
    expect(pids({ q: "/bin/" })).toEqual([1, 2, 3, 10]);
    expect(pids({ q: "10" })).toEqual([10]);
  });

  test("refuses an unknown column or order", () => {
    expect(() => tableQuery({ sort: "memory" })).toThrow("sort must be one of pid, name, state, arch, path");
    expect(() => tableQuery({ order: "up" })).toThrow('order must be "asc" or "desc"');
  });
});

describe.skipIf(!gcc.available)("the process explorer", () => {
  test("the inventory page offers a chain to open, and lists the open sessions", async () => {
    const location = await openFromForm(DUMMY_OS_CHAIN);
    expect(location).toMatch(/^\/ui\/inventory\/sessions\/[0-9a-f-]{36}$/);
    const inventory = await page("/ui/inventory");
    expect(inventory.body).toContain('<form method="post" action="/ui/inventory/sessions">');
    expect(inventory.body).toContain(`href="${location}"`);
    expect(inventory.body).toContain(`<code>${DUMMY_OS_CHAIN}</code>`);
  });

  test("wants the inventory login: no session opens, no process shows without it", async () => {
    const before = server.sessions.size;
    const refused = await page(
      "/ui/inventory/sessions",
      { method: "POST", body: new URLSearchParams({ chain: DUMMY_OS_CHAIN }) },
      null,
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('name="token"');
    expect(server.sessions.size).toBe(before);
    const location = await openFromForm(DUMMY_OS_CHAIN);
    expect((await page(location, {}, null)).status).toBe(401);
    expect((await page(location, {}, "wrong")).status).toBe(401);
  });

  test("lists the processes, filters and sorts them on the server", async () => {
    const location = await openFromForm(DUMMY_OS_CHAIN);
    const all = await page(location);
    expect(all.status).toBe(200);
    expect(rows(all.body, "processes")).toEqual(
      [1, 2, 3, 4].map((pid) => `${pid}|dummy${pid}|Alive|x86_64|/usr/bin/dummy${pid}|/usr/bin/dummy${pid} --seed 7`),
    );
    expect(all.body).toContain("4 processes");
    const filtered = await page(`${location}?q=dummy3`);
    expect(rows(filtered.body, "processes").map((row) => row.split("|")[0])).toEqual(["3"]);
    expect(filtered.body).toContain("1 of 4 processes match “dummy3”");
    const sorted = await page(`${location}?sort=name&order=desc`);
    expect(rows(sorted.body, "processes").map((row) => row.split("|")[0])).toEqual(["4", "3", "2", "1"]);
    // The heading of the active column sorts the other way; the filter is kept.
    expect((await page(`${location}?q=dummy&sort=pid&order=asc`)).body).toContain(
      `href="${location}?q=dummy&amp;sort=pid&amp;order=desc">PID ▲</a>`,
    );
    expect((await page(`${location}?sort=memory`)).status).toBe(400);
  });

  test("shows a process's modules and a module's memory in pages, unmapped bytes as ??", async () => {
    const location = await openFromForm(DUMMY_OS_CHAIN);
    const modules = await page(`${location}/processes/2`);
    expect(modules.status).toBe(200);
    const [first] = rows(modules.body, "modules");
    const [name, base, size] = (first ?? "").split("|");
    expect(name).toBe("dummy2");
    const memory = await page(`${location}/processes/2/modules/dummy2/memory`);
    expect(memory.status).toBe(200);
    const firstRow = /<pre id="hex">[\s\S]*?<\/span> {2}([0-9a-f ]+)/.exec(memory.body)?.[1] ?? "";
    const expected = Buffer.from(dummyOsBytes(DUMMY_SEED, 2, BigInt(base ?? "0"), 16)).toString("hex");
    expect(firstRow.replace(/ /g, "")).toBe(expected);
    expect(memory.body).toContain(`rel="next" href="${location}/processes/2/modules/dummy2/memory?offset=0x200"`);
    const pages = Number(BigInt(size ?? "0") / 0x1000n);
    const hole = Math.floor(pages / 2) * 0x1000;
    const unmapped = await page(`${location}/processes/2/modules/dummy2/memory?offset=0x${hole.toString(16)}`);
    expect(unmapped.body).toContain("512 bytes of this page could not be read");
    expect(unmapped.body.match(/<span class="unreadable">\?\?<\/span>/g)).toHaveLength(512);
    expect((await page(`${location}/processes/2/modules/nothing.so/memory`)).status).toBe(404);
    expect((await page(`${location}/processes/2/modules/dummy2/memory?offset=${size}`)).status).toBe(400);
    expect((await page(`${location}/processes/99`)).body).toContain("no process with pid 99");
  });

  test("escapes what a plugin names: quotes in a command line, UTF-8 names in links", async () => {
    const location = await openFromForm(TESTOS_CHAIN);
    const processes = await page(location);
    expect(processes.body).toContain("<code>sh -c &quot;exit 3&quot;</code>");
    expect(processes.body).toContain("<td>Dead (3)</td>");
    expect(processes.body).toContain(`<a href="${location}/processes/4242">dæmon</a>`);
    const modules = await page(`${location}/processes/300`);
    expect(modules.body).toContain("<code>C:\\legacy\\legacy32.exe</code>");
    expect(modules.body).toContain(`href="${location}/processes/300/modules/wow64.dll/memory"`);
  });

  test("a crashing OS plugin is reported on the page; the server and other sessions carry on", async () => {
    const healthy = await openFromForm(DUMMY_OS_CHAIN);
    const location = await openFromForm(CRASHOS_CHAIN);
    const crashed = await page(location);
    expect(crashed.status).toBe(502);
    expect(crashed.body).toContain("<h1>The session&#39;s plugin crashed</h1>");
    expect(crashed.body).toContain("the plugin crashos crashed: its session process was killed by SIGSEGV");
    const again = await page(location);
    expect(again.status).toBe(404);
    expect(again.body).toContain("has ended: the plugin crashos crashed");
    expect((await page(healthy)).status).toBe(200);
    expect((await page("/health")).status).toBe(200);
  });
});

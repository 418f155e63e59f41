/**
 * Inventory sessions in the real executable on 127.0.0.1, with plugins that really hang
 * (session-support.ts): hung plugins cannot exhaust the pool, a client that hangs up gives its
 * slot back, and a `kill -9` of the server leaves no session worker running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { type ServerChild, startServer } from "./server-child.ts";
import { buildHangingPlugins, processEnded, until } from "./session-support.ts";

const gcc = requireTool("gcc", "gcc");
const TOKEN = "inventory-token-for-tests-0123";
const folder = realpathSync(mkdtempSync(join(tmpdir(), "memflow-ts-inventory-process-")));
const pluginDir = join(folder, "plugins");
const servers: ServerChild[] = [];

beforeAll(() => {
  if (!gcc.available) return;
  buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir: pluginDir });
  buildHangingPlugins(pluginDir, join(folder, "sources"));
});
afterEach(() => {
  for (const server of servers.splice(0)) server.child.kill("SIGKILL");
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The server with the inventory on, dummy and the hanging plugins allowed, and `flags`. */
async function inventoryServer(flags: string[]): Promise<ServerChild> {
  const server = await startServer(folder, ["--insecure", "--plugin-dir", pluginDir, ...flags], {
    MEMFLOW_ADDR: "127.0.0.1:0",
    MEMFLOW_STORAGE_ROOT: join(folder, "storage"),
    MEMFLOW_TS_INVENTORY_TOKEN: TOKEN,
    MEMFLOW_TS_INVENTORY_PLUGINS: "dummy,hangcreate,hangread",
  });
  servers.push(server);
  return server;
}

function api(server: ServerChild, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.base}/api/inventory${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
  });
}

const open = (server: ServerChild, chain: string, signal?: AbortSignal) =>
  api(server, "/sessions", { method: "POST", body: JSON.stringify({ chain }), signal });

async function sessionIds(server: ServerChild): Promise<string[]> {
  const { sessions } = (await (await api(server, "/sessions")).json()) as { sessions: { id: string }[] };
  return sessions.map((session) => session.id);
}

/** The worker pid the server logged for the session opening `chain`. */
async function workerPid(server: ServerChild, chain: string): Promise<number> {
  const [, pid] = await server.waitForLog(new RegExp(`: opening ${chain} \\(worker pid (\\d+)\\)$`));
  return Number(pid);
}

test("the server refuses a data folder that holds its storage folder, whose index sessions could then read", async () => {
  const child = Bun.spawn(
    [process.execPath, join(import.meta.dir, "../src/main.ts"), "--insecure", "--inventory-data-dir", folder],
    {
      cwd: folder,
      env: { PATH: process.env.PATH ?? "", MEMFLOW_TS_INVENTORY_TOKEN: TOKEN, MEMFLOW_STORAGE_ROOT: "storage" },
      stderr: "pipe",
    },
  );
  expect(await child.exited).toBe(2);
  expect(await new Response(child.stderr).text()).toContain(
    `[X] the inventory's data folders (${folder}) must not contain the storage folder ${join(folder, "storage")}`,
  );
});

describe.skipIf(!gcc.available)("inventory sessions in the server process", () => {
  test("hung plugins get a 504 naming them and give their slots back; operators list and close sessions", async () => {
    const server = await inventoryServer([
      "--inventory-max-sessions=1",
      "--inventory-create-timeout=1s",
      "--inventory-request-timeout=1s",
    ]);
    // More hung creates than slots: each ends in a 504, none in a 429.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const hung = await open(server, "-c hangcreate");
      expect(hung.status).toBe(504);
      expect(await hung.text()).toBe(
        "the plugin hangcreate did not finish create within 1000 ms: its session process was killed",
      );
    }
    const reading = await open(server, "-c hangread");
    expect(reading.status).toBe(201);
    const { id: hungId } = (await reading.json()) as { id: string };
    const read = await api(server, `/sessions/${hungId}/memory?address=0&length=8`, {
      headers: { accept: "application/json" },
    });
    expect(read.status).toBe(504);
    expect(await read.json()).toEqual({
      error: {
        code: "plugin-timed-out",
        message: "the plugin hangread did not finish read within 1000 ms: its session process was killed",
      },
    });
    const dummy = await open(server, "-c dummy");
    expect(dummy.status).toBe(201);
    const { id } = (await dummy.json()) as { id: string };
    expect(await sessionIds(server)).toEqual([id]);
    expect((await api(server, `/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await sessionIds(server)).toEqual([]);
  }, 20_000);

  test("a client that hangs up while its plugin is starting gives its slot back", async () => {
    const server = await inventoryServer(["--inventory-max-sessions=1", "--inventory-create-timeout=1h"]);
    const client = new AbortController();
    const abandoned = open(server, "-c hangcreate", client.signal).catch(() => "hung up");
    await server.waitForLog(/: plugin output: hanging in create$/);
    const pid = await workerPid(server, "-c hangcreate");
    client.abort();
    expect(await abandoned).toBe("hung up");
    await until(async () => (await sessionIds(server)).length === 0, "the abandoned session to end");
    await until(() => processEnded(pid), "its worker to end");
    const next = await open(server, "-c dummy");
    expect(next.status).toBe(201);
  });

  test("kill -9 of the server leaves no session worker behind, not even one stuck in a plugin", async () => {
    const server = await inventoryServer(["--inventory-create-timeout=1h", "--inventory-request-timeout=1h"]);
    expect((await open(server, "-c dummy")).status).toBe(201);
    const reading = await open(server, "-c hangread");
    const { id } = (await reading.json()) as { id: string };
    void api(server, `/sessions/${id}/memory?address=0&length=8`).catch(() => undefined);
    void open(server, "-c hangcreate").catch(() => undefined);
    await server.waitForLog(/: plugin output: hanging in read$/);
    await server.waitForLog(/: plugin output: hanging in create$/);
    const pids = await Promise.all(
      ["-c dummy", "-c hangread", "-c hangcreate"].map((chain) => workerPid(server, chain)),
    );
    for (const pid of pids) expect(processEnded(pid)).toBe(false);

    server.child.kill("SIGKILL");
    await server.child.exited;
    for (const pid of pids) await until(() => processEnded(pid), `worker ${pid} to end`);
  });
});

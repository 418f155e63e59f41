/**
 * The inventory API with real plugins built by gcc: the SDK's dummy connector, and a connector
 * whose read segfaults, which must end its own session with a 502 and nothing else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { createApp } from "../src/app.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { checkLocalClient } from "../src/inventory/inventory-routes.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";

const gcc = requireTool("gcc", "gcc");
const CRASHING_SOURCE = join(import.meta.dir, "../../../packages/sdk/test/support/crashing.c");
const INVENTORY_TOKEN = "inventory-secret";
const folder = mkdtempSync(join(tmpdir(), "memflow-ts-inventory-"));
const pluginDir = join(folder, "plugins");
const store = new PluginStore(join(folder, "storage"));
// "nothing" is allowed but not installed, so building it fails in the worker.
const allowed = ["dummy", "crashing", "nothing"].map((name) => ({ name, write: false }));
const sessions = new SessionPool(
  { pluginDirectories: [pluginDir] },
  { policy: new ChainPolicy(allowed, new PathConfinement([])) },
);
const app = createApp({
  store,
  bearerToken: "t",
  inventory: { token: INVENTORY_TOKEN, source: { pluginDirectories: [pluginDir] } },
  sessions,
});

function call(path: string, init: RequestInit = {}, token: string | null = INVENTORY_TOKEN): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  return app.handle(new Request(`http://localhost${path}`, { ...init, headers }));
}

function open(chain: string): Promise<Response> {
  return call("/api/inventory/sessions", {
    method: "POST",
    body: JSON.stringify({ chain }),
    headers: { "content-type": "application/json" },
  });
}

beforeAll(() => {
  if (!gcc.available) return;
  buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir: pluginDir });
  buildPlugin({ name: "crashing", sources: [CRASHING_SOURCE], outDir: pluginDir });
});
afterAll(() => {
  sessions.closeAll();
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("the inventory API when it is off", () => {
  test("does not exist: no route, no page", async () => {
    const closed = createApp({ store, bearerToken: "t" });
    for (const path of ["/api/inventory/plugins", "/ui/inventory"]) {
      const response = await closed.handle(
        new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${INVENTORY_TOKEN}` } }),
      );
      expect(response.status).toBe(404);
    }
  });
});

describe.skipIf(!gcc.available)("the inventory API", () => {
  test("wants its token", async () => {
    expect((await call("/api/inventory/plugins", {}, null)).status).toBe(401);
    expect((await call("/api/inventory/plugins", {}, "t")).status).toBe(401);
  });

  test("lists the machine's plugins and the folders searched", async () => {
    const body = (await (await call("/api/inventory/plugins")).json()) as {
      plugins: { name: string; kind: string }[];
      directories: { path: string }[];
    };
    expect(body.plugins.map((plugin) => plugin.name).sort()).toEqual(["crashing", "dummy"]);
    expect(body.directories.map((directory) => directory.path)).toEqual([pluginDir]);
  });

  test("opens a session from a chain, reads memory as hex and binary, and closes it", async () => {
    const opened = await open("-c dummy::size=1m");
    expect(opened.status).toBe(201);
    const { id, metadata } = (await opened.json()) as { id: string; metadata: Record<string, unknown> };
    expect(metadata).toEqual({
      max_address: "0xfffff",
      real_size: "0x100000",
      readonly: false,
      ideal_batch_size: 4294967295,
    });
    const hex = await (await call(`/api/inventory/sessions/${id}/memory?address=0x1000&length=8`)).json();
    expect(hex).toEqual({ address: "0x1000", length: 8, hex: "0000000000000000" });
    const binary = await call(`/api/inventory/sessions/${id}/memory?address=4096&length=32&format=binary`);
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    expect(new Uint8Array(await binary.arrayBuffer())).toEqual(new Uint8Array(32));
    expect((await (await call(`/api/inventory/sessions/${id}`)).json()) as object).toEqual(metadata);
    const outside = await call(`/api/inventory/sessions/${id}/memory?address=0x100000&length=8`);
    expect(outside.status).toBe(422);
    expect((await call(`/api/inventory/sessions/${id}/memory?address=nope&length=8`)).status).toBe(400);
    expect((await call(`/api/inventory/sessions/${id}/memory?address=0&length=0`)).status).toBe(400);
    expect((await call(`/api/inventory/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await call(`/api/inventory/sessions/${id}`)).status).toBe(404);
    expect(sessions.size).toBe(0);
  });

  test("a chain that cannot be built is a 400 saying why", async () => {
    const unknown = await open("-c nothing");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/nothing/);
    const badArgs = await open("-c dummy::colour=blue");
    expect(badArgs.status).toBe(400);
    const empty = await call("/api/inventory/sessions", { method: "POST", body: "{}" });
    expect(empty.status).toBe(400);
  });

  test("a plugin that crashes ends its session with a 502; the server carries on", async () => {
    const opened = await open("-c crashing");
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    const read = await call(`/api/inventory/sessions/${id}/memory?address=0&length=8`);
    expect(read.status).toBe(502);
    expect(await read.text()).toContain("killed by SIGSEGV");
    expect((await call(`/api/inventory/sessions/${id}`)).status).toBe(404);
    expect((await app.handle(new Request("http://localhost/health"))).status).toBe(200);
    const again = await open("-c dummy");
    expect(again.status).toBe(201);
    const { id: next } = (await again.json()) as { id: string };
    expect((await call(`/api/inventory/sessions/${next}`, { method: "DELETE" })).status).toBe(204);
  });

  test("the inventory page lists accepted plugins", async () => {
    const response = await call("/ui/inventory");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("<h2>Accepted (2)</h2>");
    expect(text).toContain(pluginDir);
  });
});

describe("loopback only", () => {
  const access = { token: "x", source: {} };
  test("loopback and in-process clients pass; others are refused unless allowed", () => {
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1", undefined]) {
      expect(() => checkLocalClient(address, access)).not.toThrow();
    }
    expect(() => checkLocalClient("192.168.1.20", access)).toThrow(/only served to this machine/);
    expect(() => checkLocalClient("192.168.1.20", { ...access, allowRemote: true })).not.toThrow();
  });
});

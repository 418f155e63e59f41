/**
 * What a token holder may make the inventory do, against the SDK's real rawfile and dummy
 * connectors (gcc-built): only allowed plugins start, paths stay inside the data folders (so
 * `rawfile:/etc/shadow` and the registry's own index are out of reach), writes need the
 * operator's consent, and operators list and close sessions.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { createApp } from "../src/app.ts";
import { type AllowedPlugin, ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import { INDEX_FILE_NAME, PluginStore } from "../src/storage/plugin-store.ts";

const gcc = requireTool("gcc", "gcc");
const TOKEN = "inventory-secret-0123456789";
const folder = realpathSync(mkdtempSync(join(tmpdir(), "memflow-ts-inventory-policy-")));
const pluginDir = join(folder, "plugins");
const data = join(folder, "data");
const outside = join(folder, "outside");
const storage = join(folder, "storage");
const store = new PluginStore(storage);
const pools: SessionPool[] = [];
const DUMP = Uint8Array.from({ length: 4096 }, (_, n) => n % 251);

/** An app whose sessions follow `plugins`, with `data` as the only data folder. */
function inventory(plugins: AllowedPlugin[]) {
  const sessions = new SessionPool(
    { pluginDirectories: [pluginDir] },
    { policy: new ChainPolicy(plugins, new PathConfinement([data])) },
  );
  pools.push(sessions);
  const app = createApp({ store, inventory: { token: TOKEN, source: { pluginDirectories: [pluginDir] } }, sessions });
  const call = (path: string, init: RequestInit = {}) =>
    app.handle(
      new Request(`http://localhost/api/inventory${path}`, {
        ...init,
        headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
      }),
    );
  return {
    sessions,
    call,
    open: (chain: string) => call("/sessions", { method: "POST", body: JSON.stringify({ chain }) }),
    async openId(chain: string): Promise<string> {
      const response = await this.open(chain);
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    },
    read: (id: string, length = 16) => call(`/sessions/${id}/memory?address=0&length=${length}&format=binary`),
    write: (id: string, bytes: Uint8Array) =>
      call(`/sessions/${id}/memory?address=0x10`, { method: "PUT", body: bytes }),
    close: (id: string) => call(`/sessions/${id}`, { method: "DELETE" }),
  };
}

const readOnly = () =>
  inventory([
    { name: "rawfile", write: false },
    { name: "dummy", write: false },
  ]);

beforeAll(() => {
  mkdirSync(data, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(data, "memory.raw"), DUMP);
  writeFileSync(join(outside, "secret.raw"), "not for sessions");
  symlinkSync(join(outside, "secret.raw"), join(data, "escape.raw"));
  symlinkSync(outside, join(data, "elsewhere"));
  if (!gcc.available) return;
  buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir: pluginDir });
  buildPlugin({ name: "rawfile", sources: [bundledPluginSource("rawfile")], outDir: pluginDir });
});
afterAll(() => {
  for (const pool of pools) pool.closeAll();
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!gcc.available)("which plugins a session may start", () => {
  test("a plugin the operator did not allow is refused with 403 naming it, and no worker starts", async () => {
    const server = inventory([{ name: "dummy", write: false }]);
    const refused = await server.open("-c rawfile:/etc/hostname");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('does not allow the plugin "rawfile"');
    expect(server.sessions.size).toBe(0);
    const none = await inventory([]).open("-c dummy");
    expect(none.status).toBe(403);
  });

  test("a chain that does not parse is a 400, before any policy or worker", async () => {
    // Two connectors in a row: memflow's builder takes no such order (a chain may end with an OS since issue 16).
    const response = await readOnly().open("-c dummy -c dummy");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("build steps cannot be used in the given order");
  });
});

describe.skipIf(!gcc.available)("paths in session arguments", () => {
  test("rawfile on /etc/shadow, the registry's index, ../ and symbolic links out of the data folder: 403", async () => {
    const server = readOnly();
    for (const target of [
      "/etc/shadow",
      join(storage, INDEX_FILE_NAME),
      "../outside/secret.raw",
      "escape.raw",
      "elsewhere/secret.raw",
      `${data}/elsewhere/../outside/secret.raw`,
      "~/.ssh/id_ed25519",
    ]) {
      const response = await server.open(`-c rawfile:${target}`);
      expect(response.status).toBe(403);
      expect(await response.text()).toStartWith(`-c rawfile: the target ${JSON.stringify(target)} `);
    }
    expect(server.sessions.size).toBe(0);
  });

  test("a path in any argument is confined too, not only the target", async () => {
    const server = readOnly();
    const refusals = await Promise.all(
      ["-c dummy::file=/etc/passwd", "-c dummy::../outside/secret.raw"].map(async (chain) => {
        const response = await server.open(chain);
        return `${response.status} ${await response.text()}`;
      }),
    );
    expect(refusals).toEqual([
      expect.stringContaining('403 -c dummy: the argument file "/etc/passwd" is outside'),
      expect.stringContaining('403 -c dummy: the argument default "../outside/secret.raw" is outside'),
    ]);
  });

  test("a dump inside the data folder opens by absolute or relative path, and reads its bytes", async () => {
    const server = readOnly();
    for (const target of [join(data, "memory.raw"), "memory.raw", "./memory.raw"]) {
      const id = await server.openId(`-c rawfile:${target}`);
      const read = await server.read(id);
      expect(new Uint8Array(await read.arrayBuffer())).toEqual(DUMP.slice(0, 16));
      expect((await server.close(id)).status).toBe(204);
    }
  });
});

describe.skipIf(!gcc.available)("writes", () => {
  test("are refused with 403 unless the plugin may write, even when the plugin itself would", async () => {
    const server = readOnly();
    const id = await server.openId("-c rawfile:memory.raw:writable=true");
    const response = await server.write(id, new Uint8Array([1, 2, 3]));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("this session may not write");
    expect(new Uint8Array(readFileSync(join(data, "memory.raw")))).toEqual(DUMP);
    expect((await server.close(id)).status).toBe(204);
  });

  test("reach the dump when the operator allowed the plugin to write", async () => {
    const server = inventory([{ name: "rawfile", write: true }]);
    writeFileSync(join(data, "writable.raw"), DUMP);
    const opened = await server.open("-c rawfile:writable.raw:writable=true");
    expect(opened.status).toBe(201);
    const { id, writable } = (await opened.json()) as { id: string; writable: boolean };
    expect(writable).toBe(true);
    expect((await server.write(id, new Uint8Array([0xaa, 0xbb]))).status).toBe(204);
    expect((await server.close(id)).status).toBe(204);
    expect([...readFileSync(join(data, "writable.raw")).subarray(0x10, 0x12)]).toEqual([0xaa, 0xbb]);
  });
});

describe.skipIf(!gcc.available)("sessions for operators", () => {
  test("are listed with chain, state, worker pid, age and last use, and closed by id; both want the token", async () => {
    const server = readOnly();
    const id = await server.openId("-c dummy::size=1m");
    expect((await server.read(id)).status).toBe(200);
    const listed = (await (await server.call("/sessions")).json()) as { sessions: Record<string, unknown>[] };
    expect(listed.sessions).toEqual([
      {
        id,
        chain: "-c dummy::size=1m",
        plugins: ["dummy"],
        state: "open",
        writable: false,
        pid: expect.any(Number),
        opened_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        last_used_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        age_ms: expect.any(Number),
        idle_ms: expect.any(Number),
      },
    ]);
    const anonymous = (path: string, method = "GET") =>
      createApp({
        store,
        inventory: { token: TOKEN, source: {} },
        sessions: server.sessions,
      }).handle(new Request(`http://localhost/api/inventory${path}`, { method }));
    expect((await anonymous("/sessions")).status).toBe(401);
    expect((await anonymous(`/sessions/${id}`, "DELETE")).status).toBe(401);
    expect((await server.close(id)).status).toBe(204);
    expect(((await (await server.call("/sessions")).json()) as { sessions: unknown[] }).sessions).toEqual([]);
  });
});

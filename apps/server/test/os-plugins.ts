/**
 * The OS plugins the server's OS tests run, built by gcc into one plugin folder: the SDK's dummy
 * connector and dummy OS (both named `dummy`, as `memflow-ts setup` installs them), core's test
 * connector and test OS (`testmem`, `testos`, and `testosmin` without its optional parts, whose
 * contract is core's test-os.md), and
 * `crashos`, the dummy OS crashing in process_info_list (fixtures/crashing-os/).
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildPlugin, bundledPluginBuild, bundledPluginSource } from "@memflow-ts/sdk";
import { buildTestPlugin } from "../../../packages/core/test/support/build-plugins.ts";
import { createApp } from "../src/app.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";

const CRASHING_OS = join(import.meta.dir, "fixtures/crashing-os/crashing-os.c");

/** `-c dummy::size=4m -o dummy::procs=4,seed=7`: four processes, pids 1 to 4, named dummy1 to dummy4. */
export const DUMMY_OS_CHAIN = "-c dummy::size=4m -o dummy::procs=4,seed=7";
export const DUMMY_SEED = 7n;
export const TESTOS_CHAIN = "-c testmem::size=300000 -o testos";
export const CRASHOS_CHAIN = "-c dummy::size=4m -o crashos::procs=2";
/** core's test OS without optional parts: no physical memory, no translation. */
export const TESTOSMIN_CHAIN = "-c testmem::size=300000 -o testosmin";
/** For the hook that builds the plugins: five gcc runs, slow on a loaded machine. */
export const BUILD_TIMEOUT_MS = 120_000;

export function buildOsPlugins(pluginDir: string): void {
  buildPlugin(bundledPluginBuild("dummy", pluginDir));
  buildPlugin(bundledPluginBuild("dummy-os", pluginDir));
  buildPlugin({
    name: "crashos",
    sources: [CRASHING_OS],
    outDir: pluginDir,
    flags: [`-I${dirname(bundledPluginSource("dummy-os"))}`],
  });
  buildTestPlugin(pluginDir, "test-connector.c", "libmemflow_testmem.so");
  buildTestPlugin(pluginDir, "test-os.c", "libmemflow_testos.so");
  buildTestPlugin(pluginDir, "test-os.c", "libmemflow_testosmin.so", ["-DTESTOS_MINIMAL"]);
}

/** Every plugin above allowed; only the dummy ones may write. */
export function osPolicy(): ChainPolicy {
  const allowed = [
    { name: "dummy", write: true },
    { name: "crashos", write: false },
    { name: "testmem", write: false },
    { name: "testos", write: false },
    { name: "testosmin", write: false },
  ];
  return new ChainPolicy(allowed, new PathConfinement([]));
}

export const INVENTORY_TOKEN = "inventory-os-secret";

/** A server with the inventory on, sessions allowed by osPolicy(), over a plugin folder `build` fills. */
export interface OsServer {
  readonly pluginDir: string;
  readonly sessions: SessionPool;
  readonly app: ReturnType<typeof createApp>;
  /** What the pool logged. */
  readonly logs: string[];
  /** A request to the app in-process, with the inventory token unless `token` says otherwise (null: none). */
  call(path: string, init?: RequestInit, token?: string | null): Promise<Response>;
  /** Opens a session through the API; returns its id. */
  open(chain: string): Promise<string>;
  dispose(): void;
}

export function osServer(): OsServer {
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-inventory-os-"));
  const pluginDir = join(folder, "plugins");
  const store = new PluginStore(join(folder, "storage"));
  const source = { pluginDirectories: [pluginDir] };
  const logs: string[] = [];
  const sessions = new SessionPool(source, { policy: osPolicy(), log: (line) => logs.push(line) });
  const app = createApp({ store, bearerToken: "t", inventory: { token: INVENTORY_TOKEN, source }, sessions });
  const call = (path: string, init: RequestInit = {}, token: string | null = INVENTORY_TOKEN) => {
    const headers = new Headers(init.headers);
    if (token !== null) headers.set("authorization", `Bearer ${token}`);
    return app.handle(new Request(`http://localhost${path}`, { ...init, headers }));
  };
  return {
    pluginDir,
    sessions,
    app,
    logs,
    call,
    async open(chain) {
      const response = await call("/api/inventory/sessions", {
        method: "POST",
        body: JSON.stringify({ chain }),
        headers: { "content-type": "application/json" },
      });
      const body = (await response.json()) as { id: string };
      if (response.status !== 201) throw new Error(`${chain}: ${response.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    dispose() {
      sessions.closeAll();
      store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * An osServer for a test file: its plugins built before the file's tests when `build` (gcc is
 * there), the server disposed of after them.
 */
export function osServerForTests(build: boolean): OsServer {
  const server = osServer();
  beforeAll(() => {
    if (build) buildOsPlugins(server.pluginDir);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => server.dispose());
  return server;
}

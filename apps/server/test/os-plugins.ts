/**
 * The OS plugins the server's OS tests run, built by gcc into one plugin folder: the SDK's dummy
 * connector and dummy OS (both named `dummy`, as `memflow-ts setup` installs them), core's test
 * connector and test OS (`testmem`, `testos`, whose contract is core's test-os.md), and
 * `crashos`, the dummy OS crashing in process_info_list (fixtures/crashing-os/).
 */
import { dirname, join } from "node:path";
import { buildPlugin, bundledPluginBuild, bundledPluginSource } from "@memflow-ts/sdk";
import { buildTestPlugin } from "../../../packages/core/test/support/build-plugins.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";

const CRASHING_OS = join(import.meta.dir, "fixtures/crashing-os/crashing-os.c");

/** `-c dummy::size=4m -o dummy::procs=4,seed=7`: four processes, pids 1 to 4, named dummy1 to dummy4. */
export const DUMMY_OS_CHAIN = "-c dummy::size=4m -o dummy::procs=4,seed=7";
export const DUMMY_SEED = 7n;
export const TESTOS_CHAIN = "-c testmem::size=300000 -o testos";
export const CRASHOS_CHAIN = "-c dummy::size=4m -o crashos::procs=2";

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
}

/** Every plugin above allowed; only the dummy ones may write. */
export function osPolicy(): ChainPolicy {
  const allowed = [
    { name: "dummy", write: true },
    { name: "crashos", write: false },
    { name: "testmem", write: false },
    { name: "testos", write: false },
  ];
  return new ChainPolicy(allowed, new PathConfinement([]));
}

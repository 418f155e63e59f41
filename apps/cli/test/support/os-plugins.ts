/**
 * OS plugins for the tests of the commands that look inside an OS, built with gcc: the SDK's
 * native dummy OS (beside the dummy connector it runs over, as `memflow-ts setup` installs
 * them), core's C test OS (`testos`, over core's test connector `testmem`; its exact contract
 * is packages/core/test/support/plugins/test-os.md) and `crashy-os.c` (crashes in
 * process_info_list and process_by_pid).
 */
import { join } from "node:path";
import { type BuiltPlugin, buildPlugin, bundledPluginBuild } from "@memflow-ts/sdk";
import { buildTestPlugin } from "../../../../packages/core/test/support/build-plugins.ts";
import { buildDummy } from "./plugins.ts";

/** The dummy connector and the dummy OS, both installed as `dummy` (memflowup's names). */
export function buildDummyWithOs(outDir: string): { connector: BuiltPlugin; os: BuiltPlugin } {
  return { connector: buildDummy(outDir), os: buildDummyOs(outDir) };
}

/** The SDK's bundled dummy OS, built into `outDir`. */
export function buildDummyOs(outDir: string): BuiltPlugin {
  return buildPlugin(bundledPluginBuild("dummy-os", outDir));
}

/** `testos` and `testmem` into `outDir`; use them as `-c testmem::size=300000 -o testos`. */
export function buildTestOs(outDir: string): void {
  buildTestPlugin(outDir, "test-connector.c", "libmemflow_testmem.so");
  buildTestPlugin(outDir, "test-os.c", "libmemflow_testos.so");
}

/** The chain that opens core's test OS over enough test memory (test-os.md, "Creating it"). */
export const TESTOS_CHAIN = ["-c", "testmem::size=300000", "-o", "testos"] as const;

export function buildCrashyOs(outDir: string): BuiltPlugin {
  return buildPlugin({ name: "crashyos", sources: [join(import.meta.dir, "crashy-os.c")], outDir });
}

/**
 * What the benchmarks with a native baseline share: core's C test connector (testmem) and the
 * baseline program, both built with gcc into a folder at bench time (the program against
 * native-bench.h and the ABI header).
 */
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "../src/install.ts";

function gcc(args: string[]): void {
  const run = Bun.spawnSync(["gcc", `-I${ABI_INCLUDE_DIRECTORY}`, ...args], { stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`gcc ${args.join(" ")} failed: ${run.stderr.toString()}`);
}

/** Builds `libmemflow_testmem.so` and `bench/<baseline>.c` into `directory`; returns their paths. */
export function buildBenchPrograms(directory: string, baseline: string): { plugin: string; native: string } {
  const plugin = join(directory, "libmemflow_testmem.so");
  const connectorSource = join(import.meta.dir, "..", "test", "support", "plugins", "test-connector.c");
  gcc(["-O2", "-shared", "-fPIC", "-pthread", "-o", plugin, connectorSource]);
  const native = join(directory, baseline);
  gcc(["-O2", "-o", native, join(import.meta.dir, `${baseline}.c`), "-ldl"]);
  return { plugin, native };
}

/**
 * An OS plugin that crashes the process (`crashy-os.c`: in process_info_list and process_by_pid):
 * the real executable names the plugin and the call, blames the plugin rather than Bun, and exits
 * with the signal's code, as for connectors (plugin-crash.test.ts, decision 0010).
 */
import { describe, expect, test } from "bun:test";
import { runBinary } from "./support/binary.ts";
import { buildCrashyOs } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { buildDummy, gcc } from "./support/plugins.ts";

let crashy = "";
const { sandbox, env } = osSandbox("memflow-ts-os-crash-", (plugins) => {
  buildDummy(plugins);
  crashy = buildCrashyOs(plugins).path;
});
const BUN_BLAMED = /bug in Bun|bun\.report|Bun has crashed/;

/** Each command, and the plugin call it crashes in. */
const CRASHES = [
  { args: ["ps", "-c", "dummy", "-o", "crashyos"], call: "process_info_list_callback" },
  { args: ["modules", "-c", "dummy", "-o", "crashyos", "1"], call: "process_by_pid" },
  { args: ["read", "-c", "dummy", "-o", "crashyos", "-p", "1", "0", "16"], call: "process_by_pid" },
] as const;

describe.skipIf(!gcc.available)("an OS plugin that crashes the process", () => {
  for (const { args, call } of CRASHES) {
    test(`${args[0]}: the plugin, its ${call} call and whose fault it is; exit 139 as for SIGSEGV`, async () => {
      const crashed = await runBinary(args, env(), sandbox);
      expect([crashed.signal, crashed.code, crashed.stdout]).toEqual(["SIGSEGV", 139, ""]);
      const report =
        `[X] the plugin os crashyos 0.1.0 (${crashy}) crashed in its ${call}: SIGSEGV, an invalid memory access\n` +
        "    This is a bug in the plugin, not in memflow-ts or Bun: report it to the plugin's author.\n";
      expect(crashed.stderr).toContain(report);
      expect(crashed.stderr).not.toMatch(BUN_BLAMED);
    }, 60_000);
  }
});

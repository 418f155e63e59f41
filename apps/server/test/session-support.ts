/**
 * For the inventory session tests: connectors that never return, built by gcc (`hangcreate`
 * hangs in `create`, `hangread` in `read`; each first prints `hanging in <call>` to stdout, which
 * the server logs as the session's plugin output, so a test knows the worker is stuck in the
 * plugin, not still starting), and waiting for processes and conditions.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPlugin } from "@memflow-ts/sdk";

const source = (name: string, hangIn: "create" | "read") => `#include <stdio.h>
#include <unistd.h>
#include "memflow-plugin.h"
static void hang(void) {
  fputs("hanging in ${hangIn}\\n", stdout);
  fflush(stdout);
  for (;;) sleep(60);
}
static void *create(const mf_connector_args *args, int32_t *error) {
  (void)args; (void)error;
  ${hangIn === "create" ? "hang();" : ""}
  return malloc(1);
}
static void release(void *state) { free(state); }
static int64_t read_(void *state, uint64_t at, uint8_t *out, uint64_t size) {
  (void)state; (void)at;
  ${hangIn === "read" ? "hang();" : ""}
  memset(out, 0, size);
  return (int64_t)size;
}
static mf_metadata sizes(void *state) { (void)state; mf_metadata result = { 0xfff, 0x1000, false, 1 }; return result; }
static const mf_connector_ops ops = { .create = create, .drop = release, .read = read_, .metadata = sizes };
MEMFLOW_CONNECTOR(${name.toUpperCase()}, "${name}", "1.0.0", "hangs in ${hangIn}", ops);
`;

/** Builds `hangcreate` and `hangread` into `pluginDir`, their sources into `scratch`. */
export function buildHangingPlugins(pluginDir: string, scratch: string): void {
  mkdirSync(scratch, { recursive: true });
  for (const [name, hangIn] of [
    ["hangcreate", "create"],
    ["hangread", "read"],
  ] as const) {
    const file = join(scratch, `${name}.c`);
    writeFileSync(file, source(name, hangIn));
    buildPlugin({ name, sources: [file], outDir: pluginDir });
  }
}

/** Whether process `pid` has ended (gone, or a zombie its new parent has not reaped yet). */
export function processEnded(pid: number): boolean {
  let status: string;
  try {
    // readFileSync, not Bun.file: /proc files report a size of 0, and Bun.file reads that much.
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return true;
  }
  return /^State:\s+Z/m.test(status);
}

/** Waits until `condition` holds, checking every 20 ms; fails naming `what` after 10 s. */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/**
 * Every count testos keeps (test-os.md, "Counters") and the connector's live instances, read
 * through dlopen of the library the Inventory loaded, so a test can prove that what it opened was
 * dropped, that each string handed out was freed and that no borrow rule was broken on the C side.
 */
import { dlopen } from "bun:ffi";
import { expect } from "bun:test";
import type { TestosPlugins } from "./testos.ts";

const COUNTS = [
  "testos_live",
  "testos_live_processes",
  "testos_live_owning_processes",
  "testos_live_keyboards",
  "testos_live_keyboard_states",
  "testos_strings_out",
  "testos_infos_in",
  "testos_borrow_violations",
] as const;

export type Ledger = Record<(typeof COUNTS)[number] | "testmem_live_instances", number>;

function pathOf(plugins: TestosPlugins, name: string): string {
  const entry = plugins.inventory.plugins().find((plugin) => plugin.descriptors.some((d) => d.name === name));
  if (entry === undefined) throw new Error(`no ${name} among the test plugins`);
  return entry.path;
}

/** Reads the counters of the full build (the minimal build is another library, with its own). */
export function openLedger(plugins: TestosPlugins, library: "testos" | "testosmin" = "testos") {
  const symbols = dlopen(pathOf(plugins, library), {
    ...Object.fromEntries(COUNTS.map((name) => [name, { args: [], returns: "i32" }] as const)),
    testos_reset_counters: { args: [], returns: "void" },
  }).symbols as unknown as Record<(typeof COUNTS)[number], () => number> & { testos_reset_counters: () => void };
  const memory = dlopen(pathOf(plugins, "testmem"), { testmem_live_instances: { args: [], returns: "i32" } }).symbols;
  const read = (): Ledger => ({
    ...(Object.fromEntries(COUNTS.map((name) => [name, symbols[name]()])) as Record<(typeof COUNTS)[number], number>),
    testmem_live_instances: memory.testmem_live_instances(),
  });
  return {
    read,
    /** Zeroes the event counts (strings out, infos in, borrow violations); the live counts stay. */
    reset: () => symbols.testos_reset_counters(),
    /** Nothing of testos or testmem alive, and no borrow rule broken on the C side. */
    expectNothingAlive: () =>
      expect(read()).toMatchObject({
        testos_live: 0,
        testos_live_processes: 0,
        testos_live_owning_processes: 0,
        testos_live_keyboards: 0,
        testos_live_keyboard_states: 0,
        testos_borrow_violations: 0,
        testmem_live_instances: 0,
      }),
  };
}

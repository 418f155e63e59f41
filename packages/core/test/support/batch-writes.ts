/**
 * What the batched-write tests share (write-batch-from.test.ts, write-each.test.ts): bytes that
 * show where they land, and a testmem connector filled as testos's physical memory is.
 */
import type { Connector } from "../../src/index.ts";
import { PHYSICAL_SIZE, physicalBytes, type TestosPlugins } from "./testos.ts";

/** Bytes from, from + 1, … (never zero, so a write that lands shows). */
export function counting(length: number, from = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (from + index) % 255 || 1);
}

/** Runs `check` with a fresh testmem connector filled as testos's physical memory is (physicalBytes), closed after. */
export function withConnector(plugins: TestosPlugins, check: (connector: Connector) => void): void {
  using connector = plugins.inventory.instantiateConnector("testmem", undefined, ":size=300000");
  connector.write(0, physicalBytes(0, PHYSICAL_SIZE));
  check(connector);
}

/**
 * The bundled dummy OS and dummy connector, built into a temporary cache and found by one
 * Inventory, as after `memflow-ts setup`; helpers the dummy OS's tests share.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory, type Os } from "@memflow-ts/core";
import { bundledPluginDirectory } from "../../src/index.ts";

const cache = mkdtempSync(join(tmpdir(), "memflow-ts-dummy-os-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

export const inventory = Inventory.scanPath(bundledPluginDirectory("dummy", cache));
inventory.addDir(bundledPluginDirectory("dummy-os", cache));

/** `-c dummy:<connectorArgs> -o dummy:<osArgs>`. */
export function openOs(connectorArgs: string, osArgs: string): Os {
  return inventory.builder().connector("dummy").args(`:${connectorArgs}`).os("dummy").args(`:${osArgs}`).build();
}

/** One OS for the tests of a describe block: opened before them, closed after. */
export function sharedOs(connectorArgs: string, osArgs: string): () => Os {
  let os: Os | undefined;
  beforeAll(() => {
    os = openOs(connectorArgs, osArgs);
  });
  afterAll(() => os?.close());
  return () => {
    if (!os) throw new Error("the shared OS is not open yet");
    return os;
  };
}

export { errorOf, hex } from "./test-values.ts";

/**
 * The connectors shipped with the SDK, built on demand and loaded through core, pass the
 * conformance harness.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundledPluginPath } from "../src/index.ts";
import { describePlugin } from "../src/testing/index.ts";

const cache = mkdtempSync(join(tmpdir(), "memflow-ts-bundled-"));
const dump = join(cache, "memory.raw");
writeFileSync(
  dump,
  Uint8Array.from({ length: 0x9000 }, (_, index) => (index * 13) & 0xff),
);
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describePlugin(
  { path: bundledPluginPath("dummy", cache) },
  { sampleArgs: [":size=1m", ":size=10k"], badArgs: [":size=4M", ":size=10", ":colour=red"] },
);

describePlugin(
  { path: bundledPluginPath("rawfile", cache) },
  { sampleArgs: [dump], badArgs: ["", join(cache, "missing.raw"), `${dump}:colour=red`] },
);

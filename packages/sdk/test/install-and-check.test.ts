import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import { parsePluginMetadata } from "@memflow-ts/core/plugin-files";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { buildPlugin, bundledPluginSource, checkPluginFile, installPluginFile } from "../src/index.ts";

const gcc = requireTool("gcc", "gcc");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test.skipIf(!gcc.available)("installPluginFile names and describes a library as memflowup does", () => {
  const built = buildPlugin({
    name: "dummy",
    sources: [bundledPluginSource("dummy")],
    outDir: join(root, "build"),
    meta: false,
  });
  const installed = installPluginFile({ file: built.path, outDir: join(root, "plugins"), signature: "3045AB" });
  expect(readdirSync(join(root, "plugins")).sort()).toEqual([
    `libmemflow_dummy_${built.digest.slice(0, 7)}.meta`,
    `libmemflow_dummy_${built.digest.slice(0, 7)}.so`,
  ]);
  const metaPath = installed.metaPath ?? "";
  const meta = parsePluginMetadata(readFileSync(metaPath, "utf8"), metaPath).fields;
  expect(meta.digest).toBe(built.digest);
  expect(meta.signature).toBe("3045AB");
  expect(Inventory.scanPath(join(root, "plugins")).availableConnectors()).toEqual(["dummy"]);
});

test("installPluginFile refuses a file without a descriptor, leaving nothing behind", () => {
  const plain = join(import.meta.dir, "../../analyzer/test/fixtures/elf/x86_64-no-descriptor.so");
  expect(() => installPluginFile({ file: plain, outDir: join(root, "empty") })).toThrow(/no memflow plugin descriptor/);
  expect(existsSync(join(root, "empty"))).toBe(false);
});

test.skipIf(!gcc.available)("checkPluginFile reports every check without bun:test", async () => {
  const built = buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir: join(root, "check") });
  const reports = await checkPluginFile(built.path, { cycles: 20 });
  expect(reports.map((report) => report.id)).toContain("round-trip");
  expect(reports.filter((report) => !report.ok)).toEqual([]);
});

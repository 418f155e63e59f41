/**
 * The whole path a plugin takes: the SDK's dummy connector built with gcc, pushed to a real
 * registry, pulled into the user plugin folder, then found and run by memflow's inventory.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { PRIVATE_KEY_PEM, PUBLIC_KEY_PEM, startRegistry, TOKEN } from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-round-trip-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

test.skipIf(!gcc.available)(
  "push → pull → Inventory.scanPath finds and runs the dummy connector",
  async () => {
    const built = buildPlugin({
      name: "dummy",
      sources: [bundledPluginSource("dummy")],
      outDir: join(sandbox, "build"),
      meta: false,
    });
    const registry = startRegistry();
    const home = join(sandbox, "home");
    try {
      const pushed = await cli(home, [
        "push",
        "--file",
        built.path,
        "-r",
        registry.url,
        "-t",
        TOKEN,
        "-p",
        PRIVATE_KEY_PEM,
      ]);
      expect(pushed.code).toBe(0);
      const pulled = await cli(home, ["pull", "dummy", "-r", registry.url, "-p", PUBLIC_KEY_PEM]);
      expect(pulled.code).toBe(0);

      const listed = JSON.parse((await cli(home, ["plugins", "ls", "dummy", "--json"])).stdout);
      expect(listed).toHaveLength(1);
      expect(listed[0].digest).toBe(built.digest);

      const pluginDir = join(home, ".local/lib/memflow");
      const inventory = Inventory.scanPath(pluginDir);
      expect(inventory.rejected()).toEqual([]);
      expect(inventory.availableConnectors()).toEqual(["dummy"]);
      const [entry] = inventory.plugins();
      expect(entry?.createdAtSource).toBe("meta");
      expect(entry?.path).toBe(listed[0].path);
      const connector = inventory.instantiateConnector("dummy", undefined, ":size=1m");
      try {
        expect(connector.read(0x1000n, 16)).toEqual(new Uint8Array(16));
      } finally {
        connector.close();
      }
    } finally {
      await registry.stop();
    }
  },
  60_000,
);

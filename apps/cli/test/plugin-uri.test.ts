import { describe, expect, test } from "bun:test";
import { DEFAULT_REGISTRY, formatPluginUri, parsePluginUri } from "../src/registry/plugin-uri.ts";

describe("plugin URIs (memflow-registry's plugin_uri.rs)", () => {
  // The unit tests of plugin_uri.rs, then the edges the reference lists as untested there.
  const table: [input: string, registry: string, image: string, tag: string][] = [
    ["coredump", DEFAULT_REGISTRY, "coredump", "latest"],
    ["coredump:0.2.0", DEFAULT_REGISTRY, "coredump", "0.2.0"],
    ["registry.memflow.xyz/coredump:0.2.0", "https://registry.memflow.xyz", "coredump", "0.2.0"],
    ["http://registry.memflow.xyz/coredump:0.2.0", "http://registry.memflow.xyz", "coredump", "0.2.0"],
    ["registry.memflow.xyz/coredump/test1234", "https://registry.memflow.xyz/coredump", "test1234", "latest"],
    ["test1234:0.2.0:1.0.0", DEFAULT_REGISTRY, "test1234", "0.2.0:1.0.0"],
    ["coredump:", DEFAULT_REGISTRY, "coredump", ""],
    ["/coredump", "https://", "coredump", "latest"],
    ["localhost:3000/x", "https://localhost:3000", "x", "latest"],
    ["https://registry.memflow.io/coredump:ff2adb1", "https://registry.memflow.io", "coredump", "ff2adb1"],
  ];
  for (const [input, registry, image, tag] of table) {
    test(`${input} → ${registry} ${image} ${tag}`, () => {
      expect(parsePluginUri(input)).toEqual({ registry, image, tag });
    });
  }

  test("with_defaults: the given registry gets https:// and the given tag is the default", () => {
    expect(parsePluginUri("coredump", "test.xyz", "newest")).toEqual({
      registry: "https://test.xyz",
      image: "coredump",
      tag: "newest",
    });
  });

  test("a registry in the URI wins over the default one", () => {
    expect(parsePluginUri("http://127.0.0.1:3000/qemu", "https://other.example").registry).toBe(
      "http://127.0.0.1:3000",
    );
  });

  test("displays as {registry}/{image}:{tag}", () => {
    expect(formatPluginUri(parsePluginUri("coredump"))).toBe("https://registry.memflow.io/coredump:latest");
  });
});

import { describe, expect, test } from "bun:test";
import {
  PLUGIN_NAME_MAX_LENGTH,
  PLUGIN_VERSION_MAX_LENGTH,
  parsePluginName,
  pluginNameProblem,
  pluginVersionProblem,
} from "../src/plugin-files.ts";

describe("the plugin-name rules", () => {
  test("names: letters, digits and _, at most 64 characters, a long one not repeated back", () => {
    expect(pluginNameProblem("qemu")).toBeUndefined();
    expect(pluginNameProblem("a".repeat(PLUGIN_NAME_MAX_LENGTH))).toBeUndefined();
    const long = pluginNameProblem("a".repeat(5000));
    expect(long).toBe(`a plugin name of 5000 characters is too long: at most ${PLUGIN_NAME_MAX_LENGTH}`);
    for (const bad of ["", "a-b", "a/b", "a:b", "a\r\nb", "ä"]) {
      expect(pluginNameProblem(bad, "connector name")).toContain("connector name");
      expect(pluginNameProblem(bad)).toContain("must be letters, digits and '_' only");
    }
  });

  test("versions: 1 to 64 characters, none of them a control character", () => {
    expect(pluginVersionProblem("0.2.1")).toBeUndefined();
    expect(pluginVersionProblem("1.0.0-β.1")).toBeUndefined();
    for (const bad of ["", "x".repeat(PLUGIN_VERSION_MAX_LENGTH + 1), "1\n", "1\u009b", "1\u2029"]) {
      expect(pluginVersionProblem(bad)).toContain("must be 1 to 64 characters");
    }
  });

  test("a name as users type it: name, version or digest tag, latest", () => {
    expect(parsePluginName("qemu")).toEqual({ name: "qemu", tag: undefined });
    expect(parsePluginName("qemu:latest")).toEqual({ name: "qemu", tag: undefined });
    expect(parsePluginName("qemu:0.2.1")).toEqual({ name: "qemu", tag: "0.2.1" });
  });
});

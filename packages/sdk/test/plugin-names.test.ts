import { describe, expect, test } from "bun:test";
import { descriptorExportName, PluginNameError, pluginFileName } from "../src/index.ts";

describe("plugin names", () => {
  test("export names are memflow's prefix plus the upper-cased name", () => {
    expect(descriptorExportName("connector", "dummy")).toBe("MEMFLOW_CONNECTOR_DUMMY");
    expect(descriptorExportName("os", "win32")).toBe("MEMFLOW_OS_WIN32");
  });

  test("file names follow cargo's cdylib naming per platform", () => {
    expect(pluginFileName("qemu", "linux")).toBe("libmemflow_qemu.so");
    expect(pluginFileName("qemu", "darwin")).toBe("libmemflow_qemu.dylib");
    expect(pluginFileName("qemu", "win32")).toBe("memflow_qemu.dll");
  });

  test("rejects a name that cannot be part of a C symbol", () => {
    expect(() => descriptorExportName("connector", "my-conn")).toThrow(PluginNameError);
    expect(() => pluginFileName("", "linux")).toThrow(/letters, digits and '_'/);
  });
});

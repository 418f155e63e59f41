import { describe, expect, test } from "bun:test";
import { pluginExtension, pluginSearchPaths, userPluginDirectory } from "../src/plugin-files.ts";

describe("plugin search paths", () => {
  test("visits the user directory, MEMFLOW_PLUGIN_PATH entries, then the working directory", () => {
    const paths = pluginSearchPaths({
      platform: "linux",
      home: "/home/ada",
      pluginPathVariable: "/opt/memflow:/srv/plugins",
      cwd: "/work",
    });
    expect(paths).toEqual(["/home/ada/.local/lib/memflow", "/opt/memflow", "/srv/plugins", "/work"]);
  });

  test("drops empty entries and visits a directory named twice only once", () => {
    const paths = pluginSearchPaths({
      platform: "linux",
      home: "/home/ada/",
      pluginPathVariable: "::/home/ada/.local/lib/memflow:",
      cwd: "/home/ada/.local/lib/memflow",
    });
    expect(paths).toEqual(["/home/ada/.local/lib/memflow"]);
  });

  test("uses Documents\\memflow and ';' on Windows", () => {
    expect(userPluginDirectory("win32", "C:\\Users\\ada")).toBe("C:\\Users\\ada\\Documents\\memflow");
    const paths = pluginSearchPaths({
      platform: "win32",
      home: "C:\\Users\\ada",
      pluginPathVariable: "D:\\plugins;E:\\more",
      cwd: "C:\\work",
    });
    expect(paths).toEqual(["C:\\Users\\ada\\Documents\\memflow", "D:\\plugins", "E:\\more", "C:\\work"]);
  });

  test("macOS uses the unix directory with the dylib extension", () => {
    expect(userPluginDirectory("darwin", "/Users/ada")).toBe("/Users/ada/.local/lib/memflow");
    expect(pluginExtension("darwin")).toBe("dylib");
    expect(pluginExtension("linux")).toBe("so");
    expect(pluginExtension("win32")).toBe("dll");
  });
});

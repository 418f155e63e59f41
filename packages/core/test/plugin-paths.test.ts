import { describe, expect, test } from "bun:test";
import {
  installedScriptFileName,
  MemflowError,
  pluginExtension,
  pluginSearchPaths,
  scriptPluginNameOfFile,
  userPluginDirectory,
} from "../src/plugin-files.ts";

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

describe("TypeScript plugin file names", () => {
  test("install names a file after its plugin, and the name is read back from the file name alone", () => {
    expect(installedScriptFileName("table")).toBe("table.memflow.ts");
    expect(scriptPluginNameOfFile("table.memflow.ts")).toBe("table");
    expect(scriptPluginNameOfFile("my-layer.memflow.ts")).toBe("my-layer");
  });

  test("a file that is not a TypeScript plugin carries no name, and a name that leaves the folder is refused", () => {
    for (const file of ["table.ts", ".memflow.ts", "libmemflow_table_abc1234.so", "table.memflow.ts.bak"]) {
      expect(scriptPluginNameOfFile(file)).toBeUndefined();
    }
    for (const name of ["../escape", "a/b", "..", ""]) {
      const error = (() => {
        try {
          installedScriptFileName(name);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error instanceof MemflowError && error.is("Other", "InvalidPath")).toBe(true);
    }
  });
});

/** Setting up, the demo, and writing plugins, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const AUTHORING_COMMANDS: readonly CommandEntry[] = [
  {
    path: ["setup"],
    summary: "interactive set-up: plugin folder, registry, plugins, dummy connector, doctor",
    load: async () => (await import("./setup.ts")).setupCommand,
  },
  {
    path: ["demo"],
    summary: "a guided tour: scan, build the dummy connector, write and read memory",
    load: async () => (await import("./demo.ts")).demoCommand,
  },
  {
    path: ["build"],
    summary: "build a plugin from a repository or folder (cargo or C) and install it",
    load: async () => (await import("./build.ts")).buildCommand,
  },
  {
    path: ["plugin", "new"],
    summary: "create a C connector project",
    load: async () => (await import("./plugin-new.ts")).pluginNewCommand,
  },
  {
    path: ["plugin", "build"],
    summary: "compile a C connector project",
    load: async () => (await import("./plugin-build.ts")).pluginBuildCommand,
  },
  {
    path: ["plugin", "test"],
    summary: "run the conformance checks against a plugin file",
    load: async () => (await import("./plugin-test.ts")).pluginTestCommand,
  },
  {
    path: ["plugin", "install"],
    summary: "install plugin files into the plugin folder, with .meta",
    load: async () => (await import("./plugin-install.ts")).pluginInstallCommand,
  },
];

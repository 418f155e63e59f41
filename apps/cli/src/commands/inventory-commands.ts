/** The inventory commands, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const INVENTORY_COMMANDS: readonly CommandEntry[] = [
  {
    path: ["list"],
    summary: "the plugins memflow finds (--rejected: and the files it skips)",
    load: async () => (await import("./list.ts")).listCommand,
  },
  {
    path: ["inspect"],
    summary: "the memflow descriptors in plugin files, without loading them",
    load: async () => (await import("./inspect.ts")).inspectCommand,
  },
  {
    path: ["help"],
    summary: "a plugin's own help text: help <plugin>",
    load: async () => (await import("./plugin-help.ts")).pluginHelpCommand,
  },
  {
    path: ["targets"],
    summary: "the targets a connector can open",
    load: async () => (await import("./targets.ts")).targetsCommand,
  },
  {
    path: ["read"],
    summary: "read physical memory: read -c <connector[:args]> <address> <length>",
    load: async () => (await import("./read.ts")).readCommand,
  },
  {
    path: ["write"],
    summary: "write physical memory: write -c <connector[:args]> <address> <hex>",
    load: async () => (await import("./write.ts")).writeCommand,
  },
  {
    path: ["doctor"],
    summary: "why a plugin is not found: directories, ABI, architecture, .meta, root vs user",
    load: async () => (await import("./doctor.ts")).doctorCommand,
  },
];

/** The memflowup commands, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const MEMFLOWUP_COMMANDS: readonly CommandEntry[] = [
  {
    path: ["pull"],
    summary: "install plugins from a registry (pull --all updates them all)",
    load: async () => (await import("./pull.ts")).pullCommand,
  },
  {
    path: ["push"],
    summary: "sign plugins and upload them to a registry",
    load: async () => (await import("./push.ts")).pushCommand,
  },
  {
    path: ["registry", "ls"],
    aliases: [["registry", "list"]],
    summary: "list a registry's plugins and their versions",
    load: async () => (await import("./registry-ls.ts")).registryLsCommand,
  },
  {
    path: ["registry", "rm"],
    aliases: [["registry", "remove"]],
    summary: "delete a plugin file from a registry",
    load: async () => (await import("./registry-rm.ts")).registryRmCommand,
  },
  {
    path: ["registry"],
    summary: "memflowup's order: registry -r <url> ls|rm …",
    load: async () => (await import("./registry.ts")).registryCommand,
  },
  {
    path: ["plugins", "ls"],
    aliases: [["plugins", "list"]],
    summary: "list the installed plugins",
    load: async () => (await import("./plugins-ls.ts")).pluginsLsCommand,
  },
  {
    path: ["plugins", "rm"],
    aliases: [["plugins", "remove"]],
    summary: "delete installed plugins",
    load: async () => (await import("./plugins-rm.ts")).pluginsRmCommand,
  },
  {
    path: ["plugins", "clean"],
    aliases: [["plugins", "purge"]],
    summary: "delete broken and outdated installed plugins",
    load: async () => (await import("./plugins-clean.ts")).pluginsCleanCommand,
  },
  {
    path: ["config", "get"],
    summary: "print memflowup's settings (registry, token, key files)",
    load: async () => (await import("./config-get.ts")).configGetCommand,
  },
  {
    path: ["config", "set"],
    summary: "change a setting",
    load: async () => (await import("./config-set.ts")).configSetCommand,
  },
  {
    path: ["config", "unset"],
    summary: "remove a setting",
    load: async () => (await import("./config-unset.ts")).configUnsetCommand,
  },
];

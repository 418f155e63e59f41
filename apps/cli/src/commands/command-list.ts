/**
 * Every command, in the groups and order `memflow-ts --help` lists them. Each command's module is
 * imported only when the command runs, so `memflow-ts plugins ls` loads none of the others
 * (decision 0007). The imports are literal so that the type checker (and a bundler) sees them.
 */
import type { Command, CommandEntry } from "../command.ts";

export interface CommandGroup {
  readonly title: string;
  readonly commands: readonly CommandEntry[];
}

const LOADERS = {
  pull: async () => (await import("./pull.ts")).pullCommand,
  push: async () => (await import("./push.ts")).pushCommand,
  "registry ls": async () => (await import("./registry-ls.ts")).registryLsCommand,
  "registry rm": async () => (await import("./registry-rm.ts")).registryRmCommand,
  registry: async () => (await import("./registry.ts")).registryCommand,
  "plugins ls": async () => (await import("./plugins-ls.ts")).pluginsLsCommand,
  "plugins rm": async () => (await import("./plugins-rm.ts")).pluginsRmCommand,
  "plugins clean": async () => (await import("./plugins-clean.ts")).pluginsCleanCommand,
  "config get": async () => (await import("./config-get.ts")).configGetCommand,
  "config set": async () => (await import("./config-set.ts")).configSetCommand,
  "config unset": async () => (await import("./config-unset.ts")).configUnsetCommand,
  list: async () => (await import("./list.ts")).listCommand,
  inspect: async () => (await import("./inspect.ts")).inspectCommand,
  help: async () => (await import("./plugin-help.ts")).pluginHelpCommand,
  targets: async () => (await import("./targets.ts")).targetsCommand,
  read: async () => (await import("./read.ts")).readCommand,
  write: async () => (await import("./write.ts")).writeCommand,
  doctor: async () => (await import("./doctor.ts")).doctorCommand,
  ps: async () => (await import("./ps.ts")).psCommand,
  modules: async () => (await import("./modules.ts")).modulesCommand,
  exports: async () => (await import("./module-contents.ts")).exportsCommand,
  imports: async () => (await import("./module-contents.ts")).importsCommand,
  sections: async () => (await import("./module-contents.ts")).sectionsCommand,
  info: async () => (await import("./os-info.ts")).osInfoCommand,
  dump: async () => (await import("./dump.ts")).dumpCommand,
  explore: async () => (await import("./explore.ts")).exploreCommand,
  find: async () => (await import("./find.ts")).findCommand,
  setup: async () => (await import("./setup.ts")).setupCommand,
  demo: async () => (await import("./demo.ts")).demoCommand,
  build: async () => (await import("./build.ts")).buildCommand,
  "plugin new": async () => (await import("./plugin-new.ts")).pluginNewCommand,
  "plugin build": async () => (await import("./plugin-build.ts")).pluginBuildCommand,
  "plugin test": async () => (await import("./plugin-test.ts")).pluginTestCommand,
  "plugin install": async () => (await import("./plugin-install.ts")).pluginInstallCommand,
} satisfies Record<string, () => Promise<Command>>;

/** A row of the list: the command's words, its one-line summary, other spellings of its words. */
type CommandSpec = readonly [path: keyof typeof LOADERS, summary: string, aliases?: readonly string[]];

/**
 * Plain loops, no destructuring: every command line builds this table before its command runs,
 * and in a fresh process `map` and array destructuring are cold builtins (decision 0007).
 */
function group(title: string, specs: readonly CommandSpec[]): CommandGroup {
  const commands: CommandEntry[] = [];
  for (let index = 0; index < specs.length; index += 1) {
    const spec = specs[index] as CommandSpec;
    const spellings = spec[2];
    let aliases: string[][] | undefined;
    if (spellings !== undefined) {
      aliases = [];
      for (let alias = 0; alias < spellings.length; alias += 1) aliases.push((spellings[alias] as string).split(" "));
    }
    commands.push({ path: spec[0].split(" "), aliases, summary: spec[1], load: LOADERS[spec[0]] });
  }
  return { title, commands };
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  group("Plugins and registries (memflowup-compatible)", [
    ["pull", "install plugins from a registry (pull --all updates them all)"],
    ["push", "sign plugins and upload them to a registry"],
    ["registry ls", "list a registry's plugins and their versions", ["registry list"]],
    ["registry rm", "delete a plugin file from a registry", ["registry remove"]],
    ["registry", "memflowup's order: registry -r <url> ls|rm …"],
    ["plugins ls", "list the installed plugins", ["plugins list"]],
    ["plugins rm", "delete installed plugins", ["plugins remove"]],
    ["plugins clean", "delete broken and outdated installed plugins", ["plugins purge"]],
    ["config get", "print memflowup's settings (registry, token, key files)"],
    ["config set", "change a setting"],
    ["config unset", "remove a setting"],
  ]),
  group("The inventory", [
    ["list", "the plugins memflow finds (--rejected: and the files it skips)"],
    ["inspect", "the memflow descriptors in plugin files, without loading them"],
    ["help", "a plugin's own help text: help <plugin>"],
    ["targets", "the targets a connector can open"],
    ["read", "read physical memory: read -c <connector[:args]> <address> <length>"],
    ["write", "write physical memory: write -c <connector[:args]> <address> <hex>"],
    ["doctor", "why a plugin is not found: directories, ABI, architecture, .meta, root vs user"],
  ]),
  group("Inside an OS (-c <connector> -o <os>)", [
    ["ps", "the OS's processes: pid, name, architecture, state, path, command line"],
    ["modules", "a process's modules: modules <pid|name>"],
    ["exports", "a module's exports: exports <pid|name> <module>"],
    ["imports", "a module's imports: imports <pid|name> <module>"],
    ["sections", "a module's sections: sections <pid|name> <module>"],
    ["info", "the OS's kernel: base, size, architecture"],
    ["dump", "write a module's image to a file: dump -p <pid|name> --module <name> --out <file>"],
    ["find", "search a process's memory: find -p <pid|name> <hex | text>"],
    ["explore", "browse processes, modules and memory interactively on a terminal"],
  ]),
  group("Setting up and writing plugins", [
    ["setup", "interactive set-up: plugin folder, registry, plugins, dummy connector, doctor"],
    ["demo", "a guided tour: scan, build the dummy connector, write and read memory"],
    ["build", "build a plugin from a repository or folder (cargo or C) and install it"],
    ["plugin new", "create a plugin project: a connector or an OS plugin, in C or TypeScript"],
    ["plugin build", "compile a C connector project"],
    ["plugin test", "run the conformance checks against a plugin file (a library or *.memflow.ts)"],
    ["plugin install", "install plugin files into the plugin folder (libraries with .meta, *.memflow.ts)"],
  ]),
];

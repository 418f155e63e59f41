// Defined in core, beside the script host that runs it; re-exported for plugin authors as defineConnector is.
// Translation for OS layers written in TypeScript: core's, named here for plugin authors (decision 0013).
export {
  defineOs,
  type PageTableRoot,
  type PageTranslation,
  PageWalker,
  translate,
  VirtualMemory,
  WalkResults,
} from "@memflow-ts/core";
export type { BuildPluginOptions, BuiltPlugin, InstallPluginOptions } from "./build-plugin.ts";
export { buildPlugin, buildPluginAsync, INCLUDE_DIRECTORY, installPluginFile } from "./build-plugin.ts";
export type { BundledPlugin, BundledPluginInfo } from "./bundled-plugins.ts";
export {
  BUNDLED_PLUGINS,
  bundledPluginBuild,
  bundledPluginCache,
  bundledPluginDirectory,
  bundledPluginPath,
  bundledPluginSource,
  isBundledPlugin,
} from "./bundled-plugins.ts";
export { BuildError, pluginCompiler } from "./compiler.ts";
export { defineConnector } from "./define-connector.ts";
export { DummyMemory, dummyConnector } from "./dummy-memory.ts";
// The dummy OS's contract in TypeScript (native/dummy-os.md) and its twin written in TypeScript.
export { dummyOsBytes, dummyOsRegions, dummyOsWord } from "./dummy-os/content.ts";
export { dummyOsTs } from "./dummy-os/dummy-os-ts.ts";
export { descriptorExportName, PluginNameError, pluginFileName } from "./plugin-names.ts";
export type { PluginProjectKind, PluginProjectLanguage, PluginProjectOptions } from "./scaffold.ts";
export { createPluginProject, PLUGIN_PROJECT_KINDS, PLUGIN_PROJECT_LANGUAGES } from "./scaffold.ts";
export type {
  InstalledScriptPlugin,
  InstallScriptPluginOptions,
} from "./script-plugins/install-script-file.ts";
export { installScriptPluginFile } from "./script-plugins/install-script-file.ts";
export { isScriptPluginFile } from "./script-plugins/open-script-file.ts";
export type { ReadScriptPluginOptions } from "./script-plugins/read-script-file.ts";
export { readScriptPluginFile, SCRIPT_IMPORT_TIMEOUT } from "./script-plugins/read-script-file.ts";
export type { CheckOsPluginOptions } from "./testing/check-os-plugin.ts";
export { checkOsPluginFile, DEFAULT_INPUT_CONNECTOR } from "./testing/check-os-plugin.ts";
export type { CheckPluginOptions, CheckReport } from "./testing/run-checks.ts";
export { checkPluginFile } from "./testing/run-checks.ts";

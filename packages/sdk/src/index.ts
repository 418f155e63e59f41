export type { BuildPluginOptions, BuiltPlugin } from "./build-plugin.ts";
export { buildPlugin, INCLUDE_DIRECTORY, installedFileName } from "./build-plugin.ts";
export type { BundledPlugin } from "./bundled-plugins.ts";
export { bundledPluginDirectory, bundledPluginPath, bundledPluginSource } from "./bundled-plugins.ts";
export { BuildError, findCompiler } from "./compiler.ts";
export type { PluginMetaFile } from "./plugin-meta.ts";
export { formatPluginMeta } from "./plugin-meta.ts";
export type { PluginKind } from "./plugin-names.ts";
export { descriptorExportName, PluginNameError, pluginFileName } from "./plugin-names.ts";

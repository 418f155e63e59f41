export type { PluginKind } from "./plugin-names.ts";
export { descriptorExportName, PluginNameError, pluginFileName } from "./plugin-names.ts";

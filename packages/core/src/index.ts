export type { HostPlatform, SearchPathInput } from "./plugin-paths.ts";
export { pluginExtension, pluginSearchPaths, userPluginDirectory } from "./plugin-paths.ts";

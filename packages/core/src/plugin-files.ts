/**
 * memflow's plugin files, without the Inventory: plugin folders and file names, `.meta`
 * sidecars, `created_at`, what a host can load, the error type, and the folder of the ABI's C
 * header for tools that build plugins. For tools that manage plugin folders as memflowup does
 * (`memflow-ts plugins ls`): importing this loads seven small modules instead of the whole of
 * core (decision 0007). The other entries re-export all of it.
 */
export { ABI_INCLUDE_DIRECTORY } from "./abi-header.ts";
export type { PartialResult } from "./error.ts";
export {
  decodeError,
  decodePartialResult,
  ErrorKind,
  ErrorOrigin,
  encodeError,
  kindDisplay,
  MemflowError,
  originDisplay,
} from "./error.ts";
export type { CreatedAt } from "./inventory/created-at.ts";
export { createdAtFromNanoseconds, parseCreatedAt } from "./inventory/created-at.ts";
export type { Host } from "./inventory/host.ts";
export { hostFor, MEMFLOW_PLUGIN_VERSION } from "./inventory/host.ts";
export type { PluginMeta } from "./inventory/plugin-meta.ts";
export { metaPathFor, parsePluginMeta } from "./inventory/plugin-meta.ts";
export type { PluginName } from "./inventory/plugin-name.ts";
export { parsePluginName } from "./inventory/plugin-name.ts";
export type { HostPlatform, SearchPathInput } from "./plugin-paths.ts";
export { installedFileName, pluginExtension, pluginSearchPaths, userPluginDirectory } from "./plugin-paths.ts";

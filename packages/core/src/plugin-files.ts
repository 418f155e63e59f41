/**
 * `@memflow-ts/core/plugin-files`: memflow's file conventions, every one defined once — plugin
 * folders and file names, the plugin-name rule, `.meta` (PluginMetadata) reading and writing,
 * `created_at`, what a host can load, installing a plugin durably, the cache folder and the C
 * compiler lookup, where the ABI's C header is — with memflow's error type. For tools that manage
 * plugin folders, as memflowup does; it loads neither the analyzer nor any plugin code.
 */

export { ErrorKind, ErrorOrigin, MemflowError } from "./error.ts";
export { ABI_HEADER_FILES, ABI_INCLUDE_DIRECTORY } from "./plugin-files/abi-header.ts";
export type { CacheDirectoryInput } from "./plugin-files/cache-directory.ts";
export { cacheDirectory } from "./plugin-files/cache-directory.ts";
export type { CreatedAt } from "./plugin-files/created-at.ts";
export { createdAtFromNanoseconds, createdAtNow, parseCreatedAt } from "./plugin-files/created-at.ts";
export type { DurableWriteOptions } from "./plugin-files/durable-file.ts";
export {
  createFileDurably,
  replaceFileDurably,
  syncDirectory,
  TEMPORARY_SUFFIX,
} from "./plugin-files/durable-file.ts";
export type { CompilerChoice, FindCompilerOptions } from "./plugin-files/find-compiler.ts";
export { compilerVersion, findCompiler } from "./plugin-files/find-compiler.ts";
export type { HostPlatform } from "./plugin-files/host-platform.ts";
export { hostPlatform, pluginExtension } from "./plugin-files/host-platform.ts";
export type { InstalledPlugin, InstallPluginOptions } from "./plugin-files/install-plugin.ts";
export { installPlugin } from "./plugin-files/install-plugin.ts";
export type { PluginMetadata, PluginMetadataReading } from "./plugin-files/plugin-metadata.ts";
export {
  completePluginMetadata,
  descriptorInSerdeOrder,
  formatPluginMetadata,
  isPluginDescriptorInfo,
  isSha256Digest,
  metaPathFor,
  parsePluginMetadata,
} from "./plugin-files/plugin-metadata.ts";
export type { PluginName } from "./plugin-files/plugin-name.ts";
export { PLUGIN_NAME_PATTERN, parsePluginName, pluginNameProblem } from "./plugin-files/plugin-name.ts";
export type { SearchPathInput } from "./plugin-files/plugin-paths.ts";
export { installedFileName, pluginSearchPaths, userPluginDirectory } from "./plugin-files/plugin-paths.ts";
export type { Host } from "./plugin-files/plugin-target.ts";
export {
  architectureLabel,
  hostFor,
  hostLabel,
  loadableOn,
  MEMFLOW_PLUGIN_VERSION,
  platformOfFileType,
  targetLabel,
} from "./plugin-files/plugin-target.ts";

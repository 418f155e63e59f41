/**
 * `@memflow-ts/core/plugin-files`: memflow's file conventions, every one defined once — plugin
 * folders and file names, the plugin-name rule, `.meta` (PluginMetadata) reading and writing,
 * `created_at`, what a host can load, installing a plugin durably, the cache folder and the C
 * compiler lookup, where the ABI's C header is, and how their untrusted text is shown — with
 * memflow's error type. For tools that manage plugin folders, as memflowup does; it loads
 * neither the analyzer nor any plugin code.
 */

export { ErrorKind, ErrorOrigin, MemflowError } from "./error.ts";
export { ABI_HEADER_FILES, ABI_INCLUDE_DIRECTORY } from "./plugin-files/abi-header.ts";
export { type CacheDirectoryInput, cacheDirectory } from "./plugin-files/cache-directory.ts";
export { type CreatedAt, createdAtFromNanoseconds, createdAtNow, parseCreatedAt } from "./plugin-files/created-at.ts";
export {
  createFileDurably,
  type DurableWriteOptions,
  replaceFileDurably,
  syncDirectory,
  TEMPORARY_SUFFIX,
} from "./plugin-files/durable-file.ts";
export {
  type CompilerChoice,
  compilerVersion,
  type FindCompilerOptions,
  findCompiler,
} from "./plugin-files/find-compiler.ts";
export { type HostPlatform, hostPlatform, pluginExtension } from "./plugin-files/host-platform.ts";
export { type InstalledPlugin, type InstallPluginOptions, installPlugin } from "./plugin-files/install-plugin.ts";
export {
  completePluginMetadata,
  descriptorInSerdeOrder,
  formatPluginMetadata,
  isPluginDescriptorInfo,
  isSha256Digest,
  metaPathFor,
  type PluginMetadata,
  type PluginMetadataReading,
  parsePluginMetadata,
} from "./plugin-files/plugin-metadata.ts";
export {
  PLUGIN_NAME_PATTERN,
  type PluginName,
  parsePluginName,
  pluginNameProblem,
} from "./plugin-files/plugin-name.ts";
export {
  installedFileName,
  pluginSearchPaths,
  type SearchPathInput,
  userPluginDirectory,
} from "./plugin-files/plugin-paths.ts";
export {
  architectureLabel,
  type Host,
  hostFor,
  hostLabel,
  loadableOn,
  MEMFLOW_PLUGIN_VERSION,
  platformOfFileType,
  targetLabel,
} from "./plugin-files/plugin-target.ts";
export { printable, printableLines } from "./plugin-files/printable-text.ts";

/**
 * `@memflow-ts/core/plugin-files`: memflow's plugin file conventions, every one defined once —
 * plugin folders and file names, the plugin-name rule, what a host can load, `.meta`
 * (PluginMetadata) reading and writing, `created_at`, and how their untrusted text is shown —
 * with memflow's error type. For tools that read plugin folders, as memflowup does; it loads
 * neither the analyzer nor any plugin code. Putting files in place is `./install`.
 */

export { ErrorKind, ErrorOrigin, MemflowError } from "./error.ts";
// Where memflow-ts keeps what it can rebuild: here, because listings read the descriptor cache there.
export { type CacheDirectoryInput, cacheDirectory } from "./plugin-files/cache-directory.ts";
export { type CreatedAt, createdAtFromNanoseconds, createdAtNow, parseCreatedAt } from "./plugin-files/created-at.ts";
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
  PLUGIN_NAME_MAX_LENGTH,
  PLUGIN_NAME_PATTERN,
  PLUGIN_VERSION_MAX_LENGTH,
  type PluginName,
  parsePluginName,
  pluginNameProblem,
  pluginVersionProblem,
} from "./plugin-files/plugin-name.ts";
export {
  installedFileName,
  installedScriptFileName,
  pluginSearchPaths,
  SCRIPT_PLUGIN_SUFFIX,
  type SearchPathInput,
  scriptPluginNameOfFile,
  userPluginDirectory,
} from "./plugin-files/plugin-paths.ts";
export {
  architectureLabel,
  type Host,
  type HostPlatform,
  hostFor,
  hostLabel,
  hostPlatform,
  loadableOn,
  MEMFLOW_PLUGIN_VERSION,
  platformOfFileType,
  pluginExtension,
  sameArchitecture,
  targetLabel,
} from "./plugin-files/plugin-target.ts";
export { isPrintable, printable, printableLines } from "./plugin-files/printable-text.ts";

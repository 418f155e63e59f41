/**
 * `@memflow-ts/core/install`: putting plugins and other files on this machine — `installPlugin`
 * (memflowup's file name and `.meta`, written durably), durable file writes, and building C
 * against memflow's ABI (the compiler lookup, the ABI header's folder).
 * The rules live in `src/plugin-files/` beside the conventions they write; this entry is apart so
 * that tools which only read plugin folders do not load it (decision 0007).
 */

export {
  ABI_HEADER_FILES,
  ABI_HEADER_SOURCES,
  ABI_INCLUDE_DIRECTORY,
} from "./plugin-files/abi-header-sources.ts";
export {
  createFileDurably,
  type DurableWriteOptions,
  replaceFileDurably,
  syncDirectory,
  TEMPORARY_SUFFIX,
} from "./plugin-files/durable-file.ts";
export { type InstalledPlugin, type InstallPluginOptions, installPlugin } from "./plugin-files/install-plugin.ts";
export {
  type CompilerChoice,
  compilerVersion,
  type FindCompilerOptions,
  findCompiler,
} from "./plugin-files/native-toolchain.ts";
export { materialiseSourceTree, type SourceTree, sourceTreeKey } from "./plugin-files/source-tree.ts";

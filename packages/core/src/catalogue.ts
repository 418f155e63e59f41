/**
 * `@memflow-ts/core/catalogue`: finding plugins without starting any — memflow's scan of the
 * plugin folders, each file's descriptors read statically, ordered and deduplicated, with the
 * files skipped and why. For commands that list and diagnose; it never loads plugin code or
 * bun:ffi. The main entry's Inventory starts what a catalogue finds.
 */
export { type DescriptorCache, descriptorCacheKey, type FileIdentity } from "./catalogue/descriptor-cache.ts";
export { type CatalogueOptions, PluginCatalogue, type ScanOptions } from "./catalogue/plugin-catalogue.ts";
export type { PluginEntry, PluginMatch, RejectedPlugin, SearchedDirectory } from "./catalogue/plugin-entry.ts";
export type { WantedPlugin } from "./catalogue/wanted-plugins.ts";

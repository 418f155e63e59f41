/**
 * The plugin catalogue as the context describes the machine: the context's HOME, working
 * directory and MEMFLOW_PLUGIN_PATH, never the process's. Descriptors of unchanged files come
 * from the cache file instead of being analysed again. Listing commands use this alone, so they
 * never load the plugin host.
 */
import { PluginCatalogue, type WantedPlugin } from "@memflow-ts/core/catalogue";
import { hostFor } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../io.ts";
import { DescriptorCacheFile, descriptorCachePath } from "./descriptor-cache-file.ts";

/** With `wanted` (a chain's plugins), files the cache knows hold none of them are read only if the whole catalogue is needed. */
export function scanCatalogue(context: CliContext, wanted?: readonly WantedPlugin[]): PluginCatalogue {
  const descriptorCache = DescriptorCacheFile.load(descriptorCachePath(context));
  const catalogue = PluginCatalogue.scan({
    host: hostFor(context.platform, context.arch),
    home: context.home,
    cwd: context.cwd,
    pluginPathVariable: context.env.MEMFLOW_PLUGIN_PATH,
    descriptorCache,
    ...(wanted && { wanted }),
  });
  descriptorCache.save();
  return catalogue;
}

/**
 * The inventory as the context describes the machine: the context's HOME, working directory and
 * MEMFLOW_PLUGIN_PATH, never the process's. The host's warnings (a plugin without abi_stable
 * layouts, which every C plugin is) are not shown: nothing can be done about them. Descriptors
 * of unchanged files come from the cache file instead of being analysed again.
 */
import { Inventory } from "@memflow-ts/core/without-ffi";
import type { CliContext } from "../io.ts";
import { DescriptorCacheFile, descriptorCachePath } from "./descriptor-cache-file.ts";

export function scanInventory(context: CliContext): Inventory {
  const descriptorCache = DescriptorCacheFile.load(descriptorCachePath(context));
  const inventory = Inventory.scan({
    home: context.home,
    cwd: context.cwd,
    pluginPathVariable: context.env.MEMFLOW_PLUGIN_PATH,
    descriptorCache,
  });
  descriptorCache.save();
  return inventory;
}

/**
 * The `.meta` sidecar memflowup writes next to a plugin, byte for byte in its format: pretty
 * JSON with two-space indentation, fields in memflowup's order, `created_at` zone-less.
 */
import { descriptorInSerdeOrder, type PluginDescriptorInfo } from "@memflow-ts/analyzer";

export interface PluginMetaFile {
  digest: string;
  signature: string;
  created_at: string;
  descriptors: PluginDescriptorInfo[];
}

/** serde_json's `to_string_pretty` of memflowup's PluginMetadata. */
export function formatPluginMeta(meta: PluginMetaFile): string {
  const ordered: PluginMetaFile = {
    digest: meta.digest,
    signature: meta.signature,
    created_at: meta.created_at,
    descriptors: meta.descriptors.map(descriptorInSerdeOrder),
  };
  return JSON.stringify(ordered, null, 2);
}

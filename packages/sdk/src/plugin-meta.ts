/**
 * The `.meta` sidecar memflowup writes next to a plugin, byte for byte in its format: pretty
 * JSON with two-space indentation, fields in memflowup's order, `created_at` zone-less.
 */
import { renameSync, writeFileSync } from "node:fs";
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

/** Writes `text` to `path` through a temporary file and a rename: readers never see half a file. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

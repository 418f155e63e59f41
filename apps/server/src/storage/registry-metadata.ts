/**
 * memflow-registry's `<digest>.meta`: compact JSON `PluginMetadata`, keys in the order its
 * serde structs declare them, so a volume written by either server reads the same in both.
 */
import { descriptorInSerdeOrder, type PluginDescriptorInfo } from "@memflow-ts/analyzer";

export interface StoredMetadata {
  digest: string;
  signature: string;
  created_at: string;
  descriptors: PluginDescriptorInfo[];
}

export function formatRegistryMetadata(meta: StoredMetadata): string {
  return JSON.stringify({
    digest: meta.digest,
    signature: meta.signature,
    created_at: meta.created_at,
    descriptors: meta.descriptors.map(descriptorInSerdeOrder),
  });
}

export class MetadataFormatError extends Error {
  override readonly name = "MetadataFormatError";
}

function isDescriptor(value: unknown): value is PluginDescriptorInfo {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.name === "string" &&
    typeof record.version === "string" &&
    typeof record.description === "string" &&
    typeof record.plugin_version === "number" &&
    typeof record.file_type === "string" &&
    (typeof record.architecture === "string" || typeof record.architecture === "object") &&
    // Volumes written before memflow added these two fields lack them.
    (record.plugin_kind === undefined || typeof record.plugin_kind === "string") &&
    (record.export_name === undefined || typeof record.export_name === "string")
  );
}

/** Parses a `.meta` file's text; throws MetadataFormatError saying what is wrong. */
export function parseRegistryMetadata(text: string, expectedDigest: string): StoredMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MetadataFormatError(`not JSON: ${(error as Error).message}`);
  }
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (record.digest !== expectedDigest) throw new MetadataFormatError(`its digest is not ${expectedDigest}`);
  if (typeof record.signature !== "string") throw new MetadataFormatError("signature is missing");
  if (typeof record.created_at !== "string") throw new MetadataFormatError("created_at is missing");
  if (!Array.isArray(record.descriptors) || !record.descriptors.every(isDescriptor)) {
    throw new MetadataFormatError("descriptors are missing or malformed");
  }
  return {
    digest: record.digest,
    signature: record.signature,
    created_at: record.created_at,
    descriptors: record.descriptors,
  };
}

/**
 * The `.meta` sidecar memflowup writes next to each plugin (`PluginMetadata`: digest, signature,
 * created_at, descriptors). memflow 0.2.4 needs all four fields and uses only `created_at`; this
 * reader is lenient: only `created_at` matters here, and a missing field is simply absent.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { MemflowError } from "../error.ts";
import { type CreatedAt, parseCreatedAt } from "./created-at.ts";

export interface PluginMeta {
  readonly digest: string | undefined;
  readonly signature: string | undefined;
  readonly createdAt: CreatedAt | undefined;
  readonly descriptors: readonly PluginDescriptorInfo[] | undefined;
}

/** The sidecar of `libfoo_abc1234.so` is `libfoo_abc1234.meta`: the last extension replaced. */
export function metaPathFor(pluginPath: string): string {
  const slash = Math.max(pluginPath.lastIndexOf("/"), pluginPath.lastIndexOf("\\"));
  const dot = pluginPath.lastIndexOf(".");
  return dot > slash + 1 ? `${pluginPath.slice(0, dot)}.meta` : `${pluginPath}.meta`;
}

/** Parses a `.meta` file's text; throws (Inventory, UnableToReadFile) naming the file when it is unusable. */
export function parsePluginMeta(text: string, metaPath: string): PluginMeta {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MemflowError(
      "Inventory",
      "UnableToReadFile",
      `${metaPath} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new MemflowError("Inventory", "UnableToReadFile", `${metaPath} does not hold a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const text_ = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : undefined);
  const createdText = text_("created_at");
  const createdAt = createdText === undefined ? undefined : parseCreatedAt(createdText);
  if (createdText !== undefined && createdAt === undefined) {
    throw new MemflowError(
      "Inventory",
      "UnableToReadFile",
      `${metaPath}: created_at ${JSON.stringify(createdText)} is not a timestamp like 2024-04-06T20:49:56.440891100`,
    );
  }
  return {
    digest: text_("digest"),
    signature: text_("signature"),
    createdAt,
    descriptors: Array.isArray(record.descriptors) ? (record.descriptors as PluginDescriptorInfo[]) : undefined,
  };
}

/**
 * Plugin names as users type them: `qemu`, `qemu:latest`, `qemu:0.2.1` (a descriptor version)
 * or `qemu:ff2adb1` (a digest prefix), like memflowup's plugin URIs. memflow itself matches only
 * the bare name.
 */

export interface PluginName {
  readonly name: string;
  /** undefined for "latest" (or no tag). */
  readonly tag: string | undefined;
}

export function parsePluginName(text: string): PluginName {
  const colon = text.indexOf(":");
  if (colon < 0) return { name: text, tag: undefined };
  const tag = text.slice(colon + 1);
  return { name: text.slice(0, colon), tag: tag === "" || tag === "latest" ? undefined : tag };
}

/** Whether a tag selects this descriptor version or file digest. */
export function tagMatches(tag: string | undefined, version: string, digest: string | undefined): boolean {
  if (tag === undefined) return true;
  return (
    tag === version ||
    (digest !== undefined && /^[0-9a-f]+$/i.test(tag) && digest.toLowerCase().startsWith(tag.toLowerCase()))
  );
}

/**
 * memflow-registry's plugin URI (plugin_uri.rs): `[registry/]image[:tag]`. The registry is
 * everything before the last `/` and gets `https://` unless it names a scheme; the image runs
 * up to the first `:` of the last segment and the rest is the tag (`latest` by default).
 * Parsing never fails, as in Rust; what a URI may hold is checked where it is used.
 */

/** The official registry (memflow-registry's `MEMFLOW_DEFAULT_REGISTRY`). */
export const DEFAULT_REGISTRY = "https://registry.memflow.io";

export interface PluginUri {
  /** With its scheme, as given (a path after the host is kept). */
  readonly registry: string;
  readonly image: string;
  /** `latest` unless the URI names one; `coredump:` gives the empty tag, which matches every version. */
  readonly tag: string;
}

/** memflow-registry's rule: `https://` unless the text already starts with `http://` or `https://`. */
export function withScheme(registry: string): string {
  return registry.startsWith("http://") || registry.startsWith("https://") ? registry : `https://${registry}`;
}

export function parsePluginUri(text: string, defaultRegistry = DEFAULT_REGISTRY, defaultTag = "latest"): PluginUri {
  const slash = text.lastIndexOf("/");
  const last = slash < 0 ? text : text.slice(slash + 1);
  const registry = slash < 0 ? defaultRegistry : text.slice(0, slash);
  const colon = last.indexOf(":");
  return {
    registry: withScheme(registry),
    image: colon < 0 ? last : last.slice(0, colon),
    tag: colon < 0 ? defaultTag : last.slice(colon + 1),
  };
}

/** memflow-registry's Display: `{registry}/{image}:{tag}`. */
export function formatPluginUri(uri: PluginUri): string {
  return `${uri.registry}/${uri.image}:${uri.tag}`;
}

/**
 * Picking one installed plugin as memflowup does, by a plugin URI or a digest (`plugins rm`,
 * `push`). Apart from the listing, so that `plugins ls` loads no URI grammar.
 */
import { parsePluginUri } from "../registry/plugin-uri.ts";
import type { LocalPlugin } from "./local-plugins.ts";

/**
 * memflowup's `find_local_plugin`: the first plugin (in listing order) whose full digest is the
 * whole text, or whose name is the URI's image and whose version or digest prefix is its tag
 * (`latest` matches any). The URI's registry part is ignored.
 */
export function findLocalPlugin(plugins: readonly LocalPlugin[], text: string): LocalPlugin | undefined {
  const uri = parsePluginUri(text);
  return plugins.find(
    (plugin) =>
      text === plugin.digest ||
      (plugin.descriptor.name === uri.image &&
        (uri.tag === "latest" || uri.tag === plugin.descriptor.version || plugin.digest.startsWith(uri.tag))),
  );
}

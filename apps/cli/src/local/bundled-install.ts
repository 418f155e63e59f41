/**
 * The SDK's bundled C plugins (`dummy`, `rawfile`, `dummy-os`) in a plugin folder: built from
 * each plugin's own source with the system compiler straight into the folder, named as memflowup
 * names plugins, with a `.meta`; and whether one is installed already.
 */
import {
  BUNDLED_PLUGINS,
  type BuiltPlugin,
  type BundledPlugin,
  buildPluginAsync,
  bundledPluginBuild,
} from "@memflow-ts/sdk";
import type { CliContext } from "../io.ts";
import { withSpinner } from "../spinner.ts";
import { localPlugins } from "./local-plugins.ts";

/** What a bundled plugin is, for the reader: `connector dummy`, `os dummy`. */
export function bundledPluginLabel(plugin: BundledPlugin): string {
  const { kind, name } = BUNDLED_PLUGINS[plugin];
  return `${kind} ${name}`;
}

/** Builds `plugin` into `directory`, with a spinner on a terminal. */
export function installBundledPlugin(
  context: CliContext,
  plugin: BundledPlugin,
  directory: string,
): Promise<BuiltPlugin> {
  return withSpinner(context, `Building the bundled ${bundledPluginLabel(plugin)}`, () =>
    buildPluginAsync(bundledPluginBuild(plugin, directory)),
  );
}

/** Whether `directory` holds a managed plugin of the bundled plugin's kind and name, of any build. */
export function hasBundledPlugin(plugin: BundledPlugin, directory: string, context: CliContext): boolean {
  const { kind, name } = BUNDLED_PLUGINS[plugin];
  return localPlugins(directory, context.platform).plugins.some(
    (installed) =>
      installed.fileExists && installed.descriptor.plugin_kind === kind && installed.descriptor.name === name,
  );
}

/**
 * The plugins that ship as C source with the SDK (`native/`): the `dummy` and `rawfile`
 * connectors and the `dummy` OS (`dummy-os`). Each is its own library exporting only its own
 * descriptor. They are built on demand with the system compiler into a cache folder, once per
 * source (every C file of the SDK: c-sources.ts) and compiler, so no prebuilt binary is
 * ever shipped or committed.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { compilerVersion, sourceTreeKey } from "@memflow-ts/core/install";
import { cacheDirectory } from "@memflow-ts/core/plugin-files";
import { type BuildPluginOptions, buildPlugin } from "./build-plugin.ts";
import { SDK_C_SOURCES, sdkSourceFolders } from "./c-sources.ts";
import { BuildError, pluginCompiler } from "./compiler.ts";

export type BundledPlugin = "dummy" | "rawfile" | "dummy-os";

export interface BundledPluginInfo {
  /** The plugin's descriptor name, and the name in its file name (`libmemflow_<name>_<digest7>`). */
  readonly name: string;
  readonly kind: "connector" | "os";
}

/**
 * Each bundled plugin's descriptor, in the order they are offered. memflowup names a file after
 * its plugin, so the dummy OS is `dummy` too, beside the dummy connector in a file of its own
 * (the digest keeps the two files apart); `dummy-os` is only how it is asked for.
 */
export const BUNDLED_PLUGINS: Readonly<Record<BundledPlugin, BundledPluginInfo>> = {
  dummy: { name: "dummy", kind: "connector" },
  rawfile: { name: "rawfile", kind: "connector" },
  "dummy-os": { name: "dummy", kind: "os" },
};

/** Whether `name` asks for a bundled plugin (`dummy`, `rawfile`, `dummy-os`). */
export function isBundledPlugin(name: string): name is BundledPlugin {
  return Object.hasOwn(BUNDLED_PLUGINS, name);
}

/** The file to compile: `native/<name>.c`, which includes what else it needs from `native/`. */
export function bundledPluginSource(name: BundledPlugin): string {
  return join(sdkSourceFolders().native, `${name}.c`);
}

/** The options that build a bundled plugin into `outDir` with `buildPlugin` or `buildPluginAsync`. */
export function bundledPluginBuild(name: BundledPlugin, outDir: string): BuildPluginOptions {
  return { name: BUNDLED_PLUGINS[name].name, sources: [bundledPluginSource(name)], outDir };
}

/** Where built bundled plugins are kept: `plugins/` in memflow-ts's cache folder. */
export function bundledPluginCache(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(cacheDirectory({ env, home }), "plugins");
}

/**
 * The directory holding a built copy of the bundled plugin (with its `.meta`), building it
 * first when the cache has none for this source and compiler. Point an inventory at it.
 */
export function bundledPluginDirectory(
  name: BundledPlugin,
  cache = bundledPluginCache(process.env, homedir()),
): string {
  const compiler = pluginCompiler();
  const hasher = new Bun.CryptoHasher("sha256").update(name);
  // Every C file of the SDK (its sources, headers and the ABI headers): any may be included.
  hasher.update(sourceTreeKey(SDK_C_SOURCES));
  const key = hasher.update(compilerVersion(compiler)).digest("hex").slice(0, 16);
  const directory = join(cache, `${name}-${key}`);
  const built = existsSync(directory) && readdirSync(directory).some((file) => file.endsWith(".meta"));
  if (!built) {
    mkdirSync(directory, { recursive: true });
    buildPlugin(bundledPluginBuild(name, directory));
  }
  return directory;
}

/** The path of the built bundled plugin's library. */
export function bundledPluginPath(name: BundledPlugin, cache?: string): string {
  const directory = bundledPluginDirectory(name, cache);
  const library = readdirSync(directory).find((file) => !file.endsWith(".meta") && !file.startsWith("."));
  if (!library)
    throw new BuildError(`the ${name} plugin cache ${directory} holds no library: delete the folder to build it again`);
  return join(directory, library);
}

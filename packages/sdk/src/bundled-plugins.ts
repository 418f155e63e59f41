/**
 * The connectors that ship as C source with the SDK (`native/`): `dummy` and `rawfile`. They are
 * built on demand with the system compiler into a cache folder, once per source (with both
 * headers) and compiler, so no prebuilt binary is ever shipped or committed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ABI_HEADER_FILES, cacheDirectory, compilerVersion } from "@memflow-ts/core/install";
import { buildPlugin, INCLUDE_DIRECTORY } from "./build-plugin.ts";
import { BuildError, pluginCompiler } from "./compiler.ts";

export type BundledPlugin = "dummy" | "rawfile";

const NATIVE_DIRECTORY = join(import.meta.dir, "..", "native");

export function bundledPluginSource(name: BundledPlugin): string {
  return join(NATIVE_DIRECTORY, `${name}.c`);
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
  const hasher = new Bun.CryptoHasher("sha256")
    .update(readFileSync(bundledPluginSource(name)))
    .update(readFileSync(join(INCLUDE_DIRECTORY, "memflow-plugin.h")));
  for (const header of ABI_HEADER_FILES) hasher.update(readFileSync(header));
  const key = hasher.update(compilerVersion(compiler)).digest("hex").slice(0, 16);
  const directory = join(cache, `${name}-${key}`);
  const built = existsSync(directory) && readdirSync(directory).some((file) => file.endsWith(".meta"));
  if (!built) {
    mkdirSync(directory, { recursive: true });
    buildPlugin({ name, sources: [bundledPluginSource(name)], outDir: directory });
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

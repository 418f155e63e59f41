/**
 * `installScriptPluginFile`: puts a TypeScript plugin file (`*.memflow.ts`) into a plugin folder,
 * where a scan with the `scripts` option (the CLI's) finds it. The file is imported first, in a
 * child process, and each definition started once there: one that does not import, exports no
 * definition or whose create fails as a bug does is refused and nothing is written. It is installed as `<name>.memflow.ts` after its first definition, written durably
 * (core's replaceFileDurably: a reader sees the old file or the new one, never half of either).
 *
 * No `.meta` is written: memflowup's PluginMetadata describes a library — file_type (ELF, PE,
 * Mach-O) and architecture of the binary, and memflowup pairs `<stem>.meta` with `<stem>.<so>` —
 * none of which a TypeScript file has; a `.meta` claiming them would send memflowup (and
 * memflow-ts's own `plugins ls`) looking for a library that does not exist.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { MemflowError } from "@memflow-ts/core";
import { replaceFileDurably, syncDirectory } from "@memflow-ts/core/install";
import { installedScriptFileName, SCRIPT_PLUGIN_SUFFIX } from "@memflow-ts/core/plugin-files";
import { readScriptPluginFile } from "./read-script-file.ts";

export interface InstallScriptPluginOptions {
  /** The `*.memflow.ts` file. */
  readonly file: string;
  /** The plugin folder; created when missing. */
  readonly outDir: string;
}

export interface InstalledScriptPlugin {
  readonly path: string;
  /** The file's definitions, as the script host describes them. */
  readonly descriptors: PluginDescriptorInfo[];
}

/**
 * Installs the file. Throws (Other, InvalidPath) for a file not named `*.memflow.ts`, and what
 * `readScriptPluginFile` throws for one that cannot be used: (Inventory, UnableToLoadLibrary),
 * (Inventory, MemflowExportsNotFound), or (Connector or OsLayer, Unknown) when a create fails.
 */
export async function installScriptPluginFile(options: InstallScriptPluginOptions): Promise<InstalledScriptPlugin> {
  const { file, outDir } = options;
  if (!basename(file).endsWith(SCRIPT_PLUGIN_SUFFIX)) {
    throw new MemflowError(
      "Other",
      "InvalidPath",
      `${file}: a TypeScript plugin file is named <name>${SCRIPT_PLUGIN_SUFFIX}, which is how plugin folders tell it apart`,
    );
  }
  const descriptors = await readScriptPluginFile(file, { start: true });
  const first = descriptors[0];
  if (first === undefined) {
    throw new MemflowError("Inventory", "MemflowExportsNotFound", `${file} exports no plugin definition`);
  }
  const path = join(outDir, installedScriptFileName(first.name));
  mkdirSync(outDir, { recursive: true });
  replaceFileDurably(path, new Uint8Array(readFileSync(file)));
  syncDirectory(outDir);
  return { path, descriptors };
}

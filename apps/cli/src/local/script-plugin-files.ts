/**
 * The TypeScript plugin files (`<name>.memflow.ts`, decision 0014) in plugin folders, as listings
 * show them: from the file alone — its name, its bytes' digest and its time — without importing
 * it. Importing runs the file's code, and listing must never run a plugin; so a file's kind and
 * version, which only its definitions know, are not shown (`plugin test <file>` shows them).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createdAtFromNanoseconds, scriptPluginNameOfFile } from "@memflow-ts/core/plugin-files";
import { errnoCode, fileFailure } from "../failure.ts";
import { sha256File } from "./sha256.ts";

export interface ScriptPluginFile {
  /** The name its file name carries (`table.memflow.ts` → `table`): the one install gave it. */
  readonly name: string;
  readonly path: string;
  /** sha256 of the file, as a library's digest is of its bytes. */
  readonly digest: string;
  /** The file's modification time, in `created_at`'s form (a TypeScript plugin has no `.meta`). */
  readonly createdAt: string;
}

/**
 * The TypeScript plugin files of `directory`, by name; an absent folder holds none. `names` is
 * the folder's listing when the caller has just made one: a listing of a folder of 200 plugins
 * costs a string per name (400), so the listings list it once (decision 0007).
 */
export function scriptPluginFilesIn(
  directory: string,
  names: readonly string[] = folderNames(directory),
): ScriptPluginFile[] {
  const found: ScriptPluginFile[] = [];
  // Indexed: this looks at every name of a folder of plugins once a process, cold.
  for (let index = 0; index < names.length; index += 1) {
    const fileName = names[index] as string;
    const name = scriptPluginNameOfFile(fileName);
    if (name === undefined) continue;
    const path = join(directory, fileName);
    try {
      const stats = statSync(path, { bigint: true });
      if (stats.isDirectory()) continue;
      found.push({ name, path, digest: sha256File(path), createdAt: createdAtFromNanoseconds(stats.mtimeNs).text });
    } catch (error) {
      // Removed or unreadable between the listing and now: not there to show.
      if (errnoCode(error) === undefined) throw error;
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Names only: file types would cost an object per name (400 in a folder of 200 plugins) for the
 * few that carry a TypeScript plugin's name, which are stat'ed anyway.
 */
function folderNames(directory: string): readonly string[] {
  try {
    return readdirSync(directory);
  } catch (error) {
    if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENOTDIR") return [];
    throw fileFailure("read the plugin folder", directory, error);
  }
}

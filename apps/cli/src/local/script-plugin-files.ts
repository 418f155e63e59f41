/**
 * The TypeScript plugin files (`<name>.memflow.ts`, decision 0014) in plugin folders, as listings
 * show them: from the file alone — its name, its bytes' digest and its time — without importing
 * it. Importing runs the file's code, and listing must never run a plugin; so a file's kind and
 * version, which only its definitions know, are not shown (`plugin test <file>` shows them).
 */
import { type Dirent, readdirSync, statSync } from "node:fs";
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

/** The TypeScript plugin files of `directory`, by name; an absent folder holds none. */
export function scriptPluginFilesIn(directory: string): ScriptPluginFile[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENOTDIR") return [];
    throw fileFailure("read the plugin folder", directory, error);
  }
  const found: ScriptPluginFile[] = [];
  for (const entry of entries) {
    const name = scriptPluginNameOfFile(entry.name);
    if (name === undefined || entry.isDirectory()) continue;
    const path = join(directory, entry.name);
    try {
      const modified = statSync(path, { bigint: true }).mtimeNs;
      found.push({ name, path, digest: sha256File(path), createdAt: createdAtFromNanoseconds(modified).text });
    } catch (error) {
      // Removed or unreadable between the listing and now: not there to show.
      if (errnoCode(error) === undefined) throw error;
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Installing a plugin file and its `.meta` so that no reader ever sees half of either: each is
 * written atomically (atomic-write.ts), the plugin first and the `.meta` second, so a `.meta`
 * never names a missing or partial file.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { syncDirectory, writeFileAtomically } from "../atomic-write.ts";
import { fileFailure } from "../failure.ts";

export interface InstallPaths {
  readonly pluginPath: string;
  readonly metaPath: string;
}

/** Writes `directory/name` atomically (a CliFailure naming the file when it cannot); returns its path. */
export function writeAtomically(directory: string, name: string, data: string | Uint8Array): string {
  const path = join(directory, name);
  try {
    writeFileAtomically(path, data);
  } catch (error) {
    throw fileFailure("write", path, error, [`check that ${directory} is writable`]);
  }
  return path;
}

/**
 * Installs `file` as `directory/fileName` and `metaText` as `directory/metaName`, in that order;
 * with `file` undefined only the `.meta` is (re)written.
 */
export function installPlugin(
  directory: string,
  fileName: string,
  metaName: string,
  file: Uint8Array | undefined,
  metaText: string,
): InstallPaths {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw fileFailure("create the plugin folder", directory, error);
  }
  const pluginPath = file === undefined ? join(directory, fileName) : writeAtomically(directory, fileName, file);
  const metaPath = writeAtomically(directory, metaName, metaText);
  syncDirectory(directory);
  return { pluginPath, metaPath };
}

/** Removes a file; one that is already gone is fine. */
export function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw fileFailure("delete", path, error);
  }
}

/**
 * Reading the `.meta` files of a storage folder, and writing one for a `.plugin` found without it.
 * A stored `.meta` is trusted only when it parses completely and names the file it sits beside.
 */
import { readFileSync, statSync } from "node:fs";
import { AnalyzeError } from "@memflow-ts/analyzer";
import {
  completePluginMetadata,
  createdAtFromNanoseconds,
  MemflowError,
  type PluginMetadata,
  parsePluginMetadata,
  printable,
} from "@memflow-ts/core/plugin-files";
import { StorageError } from "./storage-error.ts";
import { analyzeUpload } from "./upload-analysis.ts";

/** The `.meta` text as PluginMetadata, when it is complete and describes `digest`; MemflowError otherwise. */
export function checkStoredMetadata(text: string, name: string, digest: string): PluginMetadata {
  const meta = completePluginMetadata(parsePluginMetadata(text, name), name);
  if (meta.digest !== digest)
    throw new MemflowError("Inventory", "UnableToReadFile", `${name} describes ${meta.digest}`);
  return meta;
}

export function readStoredMetadata(path: string, name: string, digest: string): PluginMetadata {
  return checkStoredMetadata(readFileSync(path, "utf8"), name, digest);
}

/** An error of a file operation (it carries Node's errno code). */
export function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

/**
 * Why a `.meta` cannot be used, for the log, escaped (it quotes the file, which anyone who could
 * upload or write the folder chose); undefined for an error that is not about the file (a bug).
 */
export function unusableReason(error: unknown, name: string): string | undefined {
  if (error instanceof MemflowError) return printable(error.detail ?? name);
  if (isFileError(error)) return printable(`${name}: ${error.message}`);
  return undefined;
}

/**
 * The `.meta` for a `.plugin` that has none (memflow-registry writes the `.plugin` first, so a
 * crash of it leaves one; so does copying plugins into the folder): the file's own descriptors,
 * created_at from its mtime, and no signature, since none was kept. Throws StorageError when the
 * file's sha256 is not its name or it is no plugin.
 */
export function importedMetadata(path: string, digest: string): PluginMetadata {
  const bytes = readFileSync(path);
  const actual = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  if (actual !== digest) throw new StorageError("bad-plugin", `its content's sha256 is ${actual}`);
  let descriptors: PluginMetadata["descriptors"];
  try {
    descriptors = analyzeUpload(bytes, "", undefined);
  } catch (error) {
    if (error instanceof AnalyzeError) throw new StorageError("bad-plugin", `Memflow error: ${error.message}`);
    throw error;
  }
  const created = createdAtFromNanoseconds(statSync(path, { bigint: true }).mtimeNs);
  return { digest, signature: "", created_at: created.text, descriptors };
}

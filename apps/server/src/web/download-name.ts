/** The name a browser saves a download under: memflowup's, so the file can go straight into a plugin folder. */
import type { PluginFileType } from "@memflow-ts/analyzer";
import { installedFileName, platformOfFileType } from "@memflow-ts/core/plugin-files";

export function downloadFileName(name: string, digest: string, fileType: PluginFileType): string {
  // Descriptor names come from uploaded binaries: keep them to characters safe in a header and a path.
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_") || "unknown";
  return installedFileName(safe === "." || safe === ".." ? "unknown" : safe, digest, platformOfFileType(fileType));
}

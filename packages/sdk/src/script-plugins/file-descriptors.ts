/**
 * The descriptors a plugin file holds, whatever it is written in: a library's read statically
 * (nothing runs), a TypeScript plugin file's by importing it in a child process.
 */
import { type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { isScriptPluginFile } from "./open-script-file.ts";
import { readScriptPluginFile } from "./read-script-file.ts";

/** Throws the analyzer's error for a library that is not a plugin, memflow's for a TypeScript file that cannot be used. */
export async function pluginFileDescriptors(path: string): Promise<PluginDescriptorInfo[]> {
  if (isScriptPluginFile(path)) return readScriptPluginFile(path);
  return parseDescriptors(new Uint8Array(await Bun.file(path).arrayBuffer()));
}

/** The file's first plugin of `kind`, or "" when it has none or cannot be read (the checks then say why). */
export async function firstPluginName(path: string, kind: "connector" | "os"): Promise<string> {
  try {
    return (await pluginFileDescriptors(path)).find((descriptor) => descriptor.plugin_kind === kind)?.name ?? "";
  } catch {
    return "";
  }
}

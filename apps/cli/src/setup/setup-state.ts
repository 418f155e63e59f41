/**
 * What `setup` remembers between runs so a second run starts from the current state: the
 * registry and public key live in memflowup's config.json (shared with memflowup); the plugin
 * folder, which memflowup has no setting for, in memflow-ts's own small file.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { replaceFileDurably } from "@memflow-ts/core/install";
import { userPluginDirectory } from "@memflow-ts/core/plugin-files";
import { readConfig } from "../config/memflowup-config.ts";
import { fileFailure } from "../failure.ts";
import type { CliContext } from "../io.ts";
import { DEFAULT_REGISTRY } from "../registry/plugin-uri.ts";

export interface SetupState {
  pluginDirectory: string;
  registry: string;
  /** Empty: the official memflow key. */
  publicKeyFile: string;
}

function stateFolder(context: CliContext): string {
  return join(context.env.XDG_CONFIG_HOME || join(context.home, ".config"), "memflow-ts");
}

const STATE_FILE = "setup.json";

export function currentState(context: CliContext): SetupState {
  const config = readConfig(context);
  let pluginDirectory = userPluginDirectory(context.platform, context.home);
  try {
    const saved = JSON.parse(readFileSync(join(stateFolder(context), STATE_FILE), "utf8")) as { plugin_dir?: unknown };
    if (typeof saved.plugin_dir === "string" && saved.plugin_dir !== "") pluginDirectory = saved.plugin_dir;
  } catch {
    // No saved state yet: the defaults above.
  }
  return {
    pluginDirectory,
    registry: config.registry ?? DEFAULT_REGISTRY,
    publicKeyFile: config.pub_key_file ?? "",
  };
}

export function savePluginDirectory(context: CliContext, pluginDirectory: string): void {
  const folder = stateFolder(context);
  try {
    mkdirSync(folder, { recursive: true });
    replaceFileDurably(join(folder, STATE_FILE), `${JSON.stringify({ plugin_dir: pluginDirectory }, null, 2)}\n`);
  } catch (error) {
    throw fileFailure("write", join(folder, STATE_FILE), error, [`check that ${folder} is writable`]);
  }
}

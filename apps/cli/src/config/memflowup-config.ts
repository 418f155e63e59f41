/**
 * memflowup's `config.json` (config.rs): `~/.config/memflowup/config.json`, compact JSON with the
 * four keys in memflowup's order and `null` for unset ones, so either tool reads what the other
 * wrote. Unlike memflowup, reading never creates the file; it is written atomically, readable by
 * its owner only (it may hold a token).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { replaceFileDurably } from "@memflow-ts/core/install";
import { CliFailure, errnoCode, errorMessage, fileFailure } from "../failure.ts";
import type { CliContext } from "../io.ts";
import { DEFAULT_REGISTRY } from "../registry/plugin-uri.ts";

export const CONFIG_KEYS = ["registry", "token", "pub_key_file", "priv_key_file"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export type MemflowupConfig = Record<ConfigKey, string | null>;

export const EMPTY_CONFIG: MemflowupConfig = { registry: null, token: null, pub_key_file: null, priv_key_file: null };

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

function windowsDocuments(context: CliContext): string {
  return `${context.home.replace(/\\$/, "")}\\Documents`;
}

/**
 * Where the config lives. Unix: `~/.config/memflowup/config.json`, as memflowup. Windows:
 * memflowup puts it straight into `Documents\config.json`; that file is used when it exists,
 * else `Documents\memflowup\config.json`.
 */
export function configFilePath(context: CliContext): string {
  if (context.platform !== "win32") return join(context.home, ".config", "memflowup", "config.json");
  const legacy = `${windowsDocuments(context)}\\config.json`;
  try {
    readFileSync(legacy);
    return legacy;
  } catch {
    return `${windowsDocuments(context)}\\memflowup\\config.json`;
  }
}

/** The config; all keys null when the file does not exist. */
export function readConfig(context: CliContext): MemflowupConfig {
  const path = configFilePath(context);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { ...EMPTY_CONFIG };
    throw fileFailure("read the config file", path, error);
  }
  const fix = [`fix or delete ${path} (memflow-ts config set <key> <value> writes a new one)`];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`the config file ${path} is not valid JSON: ${errorMessage(error)}`, fix);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CliFailure(`the config file ${path} does not hold a JSON object`, fix);
  }
  const record = value as Record<string, unknown>;
  const config = { ...EMPTY_CONFIG };
  for (const key of CONFIG_KEYS) {
    const entry = record[key];
    if (entry === undefined || entry === null) continue;
    if (typeof entry !== "string") throw new CliFailure(`the config file ${path}: "${key}" must be a string`, fix);
    config[key] = entry;
  }
  return config;
}

/** serde_json's `to_string` of memflowup's `Config`: compact, memflowup's key order, nulls kept. */
export function formatConfig(config: MemflowupConfig): string {
  return JSON.stringify({
    registry: config.registry,
    token: config.token,
    pub_key_file: config.pub_key_file,
    priv_key_file: config.priv_key_file,
  });
}

export function writeConfig(context: CliContext, config: MemflowupConfig): void {
  const path = configFilePath(context);
  try {
    mkdirSync(dirname(path), { recursive: true });
    replaceFileDurably(path, formatConfig(config), { mode: 0o600 });
  } catch (error) {
    throw fileFailure("write the config file", path, error);
  }
}

/** Flag, else config, else the official registry (memflowup's precedence). */
export function effectiveRegistry(flag: string | undefined, config: MemflowupConfig): string {
  return flag ?? config.registry ?? DEFAULT_REGISTRY;
}

/** memflowup's mask: the first 4 characters then one `*` per character when longer than 6, else all `*`. */
export function maskToken(token: string): string {
  const characters = Array.from(token);
  return characters.length > 6
    ? `${characters.slice(0, 4).join("")}${"*".repeat(characters.length - 4)}`
    : "*".repeat(characters.length);
}

/** memflowup's answer to an unknown key. */
export function unknownKeyMessage(key: string): string {
  return `Config option \`${key}\` does not exist. Valid options are: ${CONFIG_KEYS.join(", ")}`;
}

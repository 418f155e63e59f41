/**
 * The inventory's settings, from flags and environment variables (config.ts reads the rest):
 * which plugins sessions may start and which may write, the folders their paths must stay in,
 * and the sessions' limits. Everything is checked at start-up, so a typo stops the server instead
 * of opening or silently closing the inventory.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { pluginNameProblem } from "@memflow-ts/core/plugin-files";
import { ConfigError } from "../config-error.ts";
import type { AllowedPlugin } from "./chain-policy.ts";
import { canonicalPath } from "./path-confinement.ts";
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from "./session-pool.ts";

export interface InventorySettings extends SessionLimits {
  /** Plugins sessions may start; none means every session is refused. */
  plugins: AllowedPlugin[];
  /** Canonical folders (symbolic links resolved) that path arguments must stay in. */
  dataDirectories: string[];
}

/** For node:util parseArgs. */
export const INVENTORY_FLAGS = {
  "inventory-plugin": { type: "string", multiple: true },
  "inventory-data-dir": { type: "string", multiple: true },
  "inventory-max-sessions": { type: "string" },
  "inventory-create-timeout": { type: "string" },
  "inventory-request-timeout": { type: "string" },
  "inventory-idle-timeout": { type: "string" },
} as const;

export interface InventoryFlags {
  "inventory-plugin"?: string[] | undefined;
  "inventory-data-dir"?: string[] | undefined;
  "inventory-max-sessions"?: string | undefined;
  "inventory-create-timeout"?: string | undefined;
  "inventory-request-timeout"?: string | undefined;
  "inventory-idle-timeout"?: string | undefined;
}

const seconds = (ms: number) => `${ms / 1000}s`;

export const INVENTORY_USAGE = `  --inventory-plugin <name>[:write]
                             a plugin sessions may start; :write lets them write through it
                             (repeatable; default none: every session is refused)
                                                   MEMFLOW_TS_INVENTORY_PLUGINS (several: separate with ",")
  --inventory-data-dir <dir> a folder the paths in session arguments may point into; sessions
                             run in the first (repeatable; default none: every path is refused)
                                                   MEMFLOW_TS_INVENTORY_DATA_DIRS (several: separate with ",")
  --inventory-max-sessions <n>
                             sessions open at once MEMFLOW_TS_INVENTORY_MAX_SESSIONS (default ${DEFAULT_SESSION_LIMITS.maxSessions})
  --inventory-create-timeout <duration>
                             how long a chain may take to start
                                                   MEMFLOW_TS_INVENTORY_CREATE_TIMEOUT (default ${seconds(DEFAULT_SESSION_LIMITS.createTimeoutMs)})
  --inventory-request-timeout <duration>
                             how long a read, write or metadata request may take
                                                   MEMFLOW_TS_INVENTORY_REQUEST_TIMEOUT (default ${seconds(DEFAULT_SESSION_LIMITS.requestTimeoutMs)})
  --inventory-idle-timeout <duration>
                             how long a session may sit unused before it is closed
                                                   MEMFLOW_TS_INVENTORY_IDLE_TIMEOUT (default ${seconds(DEFAULT_SESSION_LIMITS.idleTimeoutMs)})
                             (durations: 500ms, 10s, 5m, 1h; a plugin that misses one is killed)`;

/** Long enough that guessing it over the network is hopeless. */
export const MIN_INVENTORY_TOKEN_LENGTH = 16;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_DURATION_MS = 24 * 3_600_000;

function duration(setting: string, text: string): number {
  const match = /^(\d{1,9})(ms|s|m|h)$/.exec(text);
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? ""] ?? 0) : 0;
  if (ms < 1 || ms > MAX_DURATION_MS) {
    throw new ConfigError(
      `${setting}: ${JSON.stringify(text)} is not a duration from 1ms to 24h, such as 500ms, 10s or 5m`,
    );
  }
  return ms;
}

function count(setting: string, text: string): number {
  const value = /^\d{1,4}$/.test(text) ? Number(text) : 0;
  if (value < 1 || value > 1000)
    throw new ConfigError(`${setting}: ${JSON.stringify(text)} is not a number from 1 to 1000`);
  return value;
}

function allowedPlugin(text: string): AllowedPlugin {
  const [name = "", mode, ...rest] = text.split(":");
  const problem = pluginNameProblem(name);
  if (problem !== undefined) throw new ConfigError(`--inventory-plugin / MEMFLOW_TS_INVENTORY_PLUGINS: ${problem}`);
  if (rest.length > 0 || (mode !== undefined && mode !== "write")) {
    throw new ConfigError(
      `--inventory-plugin / MEMFLOW_TS_INVENTORY_PLUGINS: ${JSON.stringify(text)} is not <name> or <name>:write`,
    );
  }
  return { name, write: mode === "write" };
}

function dataDirectory(text: string): string {
  const where = `--inventory-data-dir / MEMFLOW_TS_INVENTORY_DATA_DIRS: ${JSON.stringify(text)}`;
  const canonical = canonicalPath(text, resolve("."));
  if ("problem" in canonical) throw new ConfigError(`${where} ${canonical.problem}`);
  let folder = false;
  try {
    folder = statSync(canonical.path).isDirectory();
  } catch {
    throw new ConfigError(`${where} does not exist`);
  }
  if (!folder) throw new ConfigError(`${where} is not a folder`);
  return canonical.path;
}

const list = (text: string | undefined) =>
  text
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * The settings from `flags` (which win) and the environment, checked against the tokens: with
 * no inventory token they must be absent, since they would do nothing.
 */
export function readInventorySettings(
  flags: InventoryFlags,
  env: (name: string) => string | undefined,
  tokens: { inventory: string | undefined; bearer: string | undefined },
): InventorySettings {
  const many = (values: string[] | undefined, variable: string) =>
    (values?.length ? values : list(env(variable))) ?? [];
  const plugins = many(flags["inventory-plugin"], "MEMFLOW_TS_INVENTORY_PLUGINS");
  const folders = many(flags["inventory-data-dir"], "MEMFLOW_TS_INVENTORY_DATA_DIRS");
  const limit = (flag: Exclude<keyof InventoryFlags, "inventory-plugin" | "inventory-data-dir">, variable: string) => {
    const text = flags[flag] ?? env(variable);
    return text === undefined
      ? undefined
      : (flag === "inventory-max-sessions" ? count : duration)(`--${flag} / ${variable}`, text);
  };
  const limits = {
    maxSessions: limit("inventory-max-sessions", "MEMFLOW_TS_INVENTORY_MAX_SESSIONS"),
    createTimeoutMs: limit("inventory-create-timeout", "MEMFLOW_TS_INVENTORY_CREATE_TIMEOUT"),
    requestTimeoutMs: limit("inventory-request-timeout", "MEMFLOW_TS_INVENTORY_REQUEST_TIMEOUT"),
    idleTimeoutMs: limit("inventory-idle-timeout", "MEMFLOW_TS_INVENTORY_IDLE_TIMEOUT"),
  };
  checkToken(tokens, plugins.length + folders.length + Object.values(limits).filter((v) => v !== undefined).length);
  const byName = new Map(plugins.map(allowedPlugin).map((plugin) => [plugin.name, plugin]));
  return {
    plugins: [...byName.values()],
    dataDirectories: folders.map(dataDirectory),
    maxSessions: limits.maxSessions ?? DEFAULT_SESSION_LIMITS.maxSessions,
    createTimeoutMs: limits.createTimeoutMs ?? DEFAULT_SESSION_LIMITS.createTimeoutMs,
    requestTimeoutMs: limits.requestTimeoutMs ?? DEFAULT_SESSION_LIMITS.requestTimeoutMs,
    idleTimeoutMs: limits.idleTimeoutMs ?? DEFAULT_SESSION_LIMITS.idleTimeoutMs,
  };
}

function checkToken(tokens: { inventory: string | undefined; bearer: string | undefined }, settings: number): void {
  const { inventory, bearer } = tokens;
  if (inventory === undefined) {
    if (settings === 0) return;
    throw new ConfigError(
      "inventory settings are given but the inventory is off: set MEMFLOW_TS_INVENTORY_TOKEN to turn it on, or remove them",
    );
  }
  if (inventory.length < MIN_INVENTORY_TOKEN_LENGTH) {
    throw new ConfigError(
      `MEMFLOW_TS_INVENTORY_TOKEN must be at least ${MIN_INVENTORY_TOKEN_LENGTH} characters (it guards this machine's memory); ` +
        "make one with: openssl rand -hex 32",
    );
  }
  if (inventory === bearer) {
    throw new ConfigError(
      "MEMFLOW_TS_INVENTORY_TOKEN must differ from MEMFLOW_BEARER_TOKEN: whoever may upload plugins could read this machine's memory",
    );
  }
}

/** One line for the start-up log: what sessions may do. */
export function describeInventorySettings(settings: InventorySettings): string {
  const plugins = settings.plugins.map((plugin) => (plugin.write ? `${plugin.name} (write)` : plugin.name));
  return [
    plugins.length === 0
      ? "no plugin allowed (--inventory-plugin), so every session is refused"
      : `sessions may start ${plugins.join(", ")}`,
    settings.dataDirectories.length === 0
      ? "no data folder, so every path argument is refused"
      : `paths confined to ${settings.dataDirectories.join(", ")}`,
    `at most ${settings.maxSessions} sessions; deadlines: create ${seconds(settings.createTimeoutMs)}, ` +
      `request ${seconds(settings.requestTimeoutMs)}, idle ${seconds(settings.idleTimeoutMs)}`,
  ].join("; ");
}

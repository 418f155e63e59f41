/**
 * Server configuration: memflow-registry's environment variables (Bun reads `.env` from the
 * working folder before any of this runs), overridden by command-line flags.
 */
import { parseArgs } from "node:util";
import { LEVEL_FILTERS, type LevelFilter, MemflowError, parseLevelFilter } from "@memflow-ts/core";
import { ConfigError } from "./config-error.ts";
import { DEFAULT_UPLOAD_MIB_PER_SECOND } from "./http/upload-rate.ts";
import { DEFAULT_MAX_UPLOADS } from "./http/upload-slots.ts";
import {
  INVENTORY_FLAGS,
  INVENTORY_USAGE,
  type InventorySettings,
  readInventorySettings,
} from "./inventory/inventory-settings.ts";
import { DEFAULT_PLUGIN_LOG_LEVEL } from "./inventory/session-pool.ts";
import { type ListenAddress, parseListenAddress } from "./listen-address.ts";
import { readSharedSettings, SHARED_USAGE, type SharedSettings } from "./storage/shared-settings.ts";

export interface ServerConfig {
  address: ListenAddress;
  storageRoot: string;
  /** The registry this one mirrors (pull-through), and the key(s) its files must be signed with. */
  upstream: { url: string; publicKeyFiles: string[] } | undefined;
  /** PostgreSQL + S3 instead of the embedded folder (DATABASE_URL and S3_*). */
  shared: SharedSettings | undefined;
  publicKeyFiles: string[];
  bearerToken: string | undefined;
  insecure: boolean;
  /** Set when the inventory API is enabled (MEMFLOW_TS_INVENTORY_TOKEN). */
  inventoryToken: string | undefined;
  inventoryAllowRemote: boolean;
  /** Folders the inventory scans instead of memflow's search path. */
  pluginDirectories: string[] | undefined;
  /** The most verbose plugin log record an inventory session passes to the server's log. */
  pluginLogLevel: LevelFilter;
  /** What inventory sessions may start and touch, and their limits. */
  inventorySettings: InventorySettings;
  /** Uploads received at once; more get 503 with Retry-After. */
  maxUploads: number;
  /** MiB of upload bodies taken in per second, all uploads together; 0: no limit. */
  uploadMiBPerSecond: number;
}

export { ConfigError };

export const DEFAULT_STORAGE_ROOT = ".storage";
/** memflow-registry binds every interface; a registry should be exposed on purpose. */
export const DEFAULT_ADDRESS = "127.0.0.1:3000";

export const USAGE = `memflow-ts-server: a memflow plugin registry, compatible with memflow-registry

Usage: memflow-ts-server [options]
       memflow-ts-server check [options]   compare the index with the stored files and their
                                           signatures; exit 1, naming each digest that is wrong;
         --collect-garbage <minutes>       also remove stored files no index row lists that are
                                           older (shared storage; 60 leaves uploads in flight alone)
       memflow-ts-server migrate --from <dir | postgres> --to <dir | postgres>
                                           copy every plugin between an embedded folder and the
                                           shared storage (DATABASE_URL, S3_*), either way;
                                           run it again to resume

Options (each overrides its environment variable; a .env file in the working folder is read):
  --addr <host:port>         listen address        MEMFLOW_ADDR (default ${DEFAULT_ADDRESS})
  --storage-root <dir>       plugin folder         MEMFLOW_STORAGE_ROOT (default ${DEFAULT_STORAGE_ROOT})
  --public-key-file <pem>    trusted signing key(s), repeatable
                                                   MEMFLOW_PUBLIC_KEY_FILE (several: separate with ",")
  --insecure                 start without a public key or bearer token
  --upstream <url>           mirror this registry: answer misses from it, list its plugins after ours
                                                   MEMFLOW_UPSTREAM
                             its files must be signed with MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE (several: ",")
  --max-uploads <n>          uploads received at once; more are told to retry (503)
                                                   MEMFLOW_TS_MAX_UPLOADS (default ${DEFAULT_MAX_UPLOADS})
  --upload-rate <MiB/s>      upload bytes taken in per second, all uploads together (0: no limit)
                                                   MEMFLOW_TS_UPLOAD_RATE (default ${DEFAULT_UPLOAD_MIB_PER_SECOND})
  --plugin-dir <dir>         scan this folder for the local inventory (repeatable; default:
                             memflow's search path, MEMFLOW_PLUGIN_PATH included)
  --inventory-allow-remote   serve the inventory page and API to other machines too
  --plugin-log-level <level> what inventory sessions' plugins may log to the server's log:
                             ${LEVEL_FILTERS.join(", ")}
                                                   MEMFLOW_TS_PLUGIN_LOG_LEVEL (default ${DEFAULT_PLUGIN_LOG_LEVEL})
${INVENTORY_USAGE}
  -h, --help                 this text
  -V, --version              the version

The bearer token for uploads and deletes is read from MEMFLOW_BEARER_TOKEN only, so it never
shows in a process list. The local inventory (page and /api/inventory, which can read physical
memory through the machine's plugins) is off unless MEMFLOW_TS_INVENTORY_TOKEN is set (at least
16 characters, not the bearer token); API requests must carry it as a bearer token, the page asks
for it once and keeps an HttpOnly cookie.

${SHARED_USAGE}`;

export type ConfigRequest =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; config: ServerConfig }
  /** Check the storage and exit; remove unlisted files older than `collectGarbageMinutes` when given. */
  | { kind: "check"; config: ServerConfig; collectGarbageMinutes: number | undefined }
  /** Copy between stores: a folder, or `postgres` for the shared storage. */
  | { kind: "migrate"; config: ServerConfig; from: string; to: string };

const COMMANDS = ["check", "migrate"] as const;
/** `migrate`'s name for the shared storage configured by DATABASE_URL and S3_*. */
export const SHARED_STORE_NAME = "postgres";

export function readConfig(argv: readonly string[], env: Record<string, string | undefined>): ConfigRequest {
  const command = COMMANDS.find((name) => name === argv[0]) ?? "run";
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(command === "run" ? argv : argv.slice(1));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const flags = parsed.values;
  if (flags.help) return { kind: "help" };
  if (flags.version) return { kind: "version" };
  const fromEnv = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  let address: ListenAddress;
  try {
    address = parseListenAddress(flags.addr ?? fromEnv("MEMFLOW_ADDR") ?? DEFAULT_ADDRESS);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const pluginLogLevel = levelFilter(
    flags["plugin-log-level"] ?? fromEnv("MEMFLOW_TS_PLUGIN_LOG_LEVEL") ?? DEFAULT_PLUGIN_LOG_LEVEL,
  );
  const publicKeyFiles = flags["public-key-file"]?.length
    ? flags["public-key-file"]
    : fileList(fromEnv("MEMFLOW_PUBLIC_KEY_FILE"));
  const bearerToken = fromEnv("MEMFLOW_BEARER_TOKEN");
  const upstream = readUpstream(
    flags.upstream ?? fromEnv("MEMFLOW_UPSTREAM"),
    fromEnv("MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE"),
  );
  const inventoryToken = fromEnv("MEMFLOW_TS_INVENTORY_TOKEN");
  const inventorySettings = readInventorySettings(flags, fromEnv, { inventory: inventoryToken, bearer: bearerToken });
  const insecure = flags.insecure ?? false;
  // Only a server opens the registry to writes; the commands are the operator's.
  if (!insecure && command === "run") {
    const missing = [
      upstream !== undefined &&
        upstream.publicKeyFiles.length === 0 &&
        "no upstream key: set MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE to the PEM key the upstream's files are signed with",
      publicKeyFiles.length === 0 &&
        "no public key: set MEMFLOW_PUBLIC_KEY_FILE or --public-key-file to the PEM key uploads must be signed with",
      bearerToken === undefined &&
        "no bearer token: set MEMFLOW_BEARER_TOKEN to the token uploads and deletes must carry",
    ].filter((line): line is string => typeof line === "string");
    if (missing.length > 0) {
      throw new ConfigError(
        `refusing to start an open registry:\n  - ${missing.join("\n  - ")}\n` +
          "Pass --insecure to run without them (anyone who can reach the server can then upload and delete).",
      );
    }
  }
  const config: ServerConfig = {
    address,
    storageRoot: flags["storage-root"] ?? fromEnv("MEMFLOW_STORAGE_ROOT") ?? DEFAULT_STORAGE_ROOT,
    shared: readSharedSettings(fromEnv),
    upstream,
    publicKeyFiles,
    bearerToken,
    insecure,
    inventoryToken,
    inventoryAllowRemote: flags["inventory-allow-remote"] ?? false,
    pluginDirectories: flags["plugin-dir"]?.length ? flags["plugin-dir"] : undefined,
    pluginLogLevel,
    inventorySettings,
    // At least one upload at once: with none, no upload could ever be made.
    maxUploads: wholeNumber("max-uploads", flags["max-uploads"] ?? fromEnv("MEMFLOW_TS_MAX_UPLOADS"), 1, 1024),
    uploadMiBPerSecond: wholeNumber("upload-rate", flags["upload-rate"] ?? fromEnv("MEMFLOW_TS_UPLOAD_RATE"), 0, 1e6),
  };
  if (command === "run") return { kind: command, config };
  if (command === "check") {
    const minutes = flags["collect-garbage"];
    if (minutes !== undefined && !/^\d+$/.test(minutes)) {
      throw new ConfigError(`check --collect-garbage: expected whole minutes, got ${minutes}`);
    }
    return { kind: command, config, collectGarbageMinutes: minutes === undefined ? undefined : Number(minutes) };
  }
  const { from, to } = flags;
  if (from === undefined || to === undefined || from === to) {
    throw new ConfigError(`migrate: give --from and --to, two different stores (a folder, or ${SHARED_STORE_NAME})`);
  }
  if (config.shared === undefined && (from === SHARED_STORE_NAME || to === SHARED_STORE_NAME)) {
    throw new ConfigError(
      `migrate: ${SHARED_STORE_NAME} is the shared storage: set DATABASE_URL and S3_BUCKET (and S3_*)`,
    );
  }
  return { kind: "migrate", config, from, to };
}

/** A comma-separated list of files, as MEMFLOW_PUBLIC_KEY_FILE takes them. */
function fileList(text: string | undefined): string[] {
  return (
    text
      ?.split(",")
      .map((file) => file.trim())
      .filter(Boolean) ?? []
  );
}

function readUpstream(url: string | undefined, keyFiles: string | undefined): ServerConfig["upstream"] {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--upstream / MEMFLOW_UPSTREAM: ${url} is not a URL (give http://host:port or https://…)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(`--upstream / MEMFLOW_UPSTREAM: ${url} is not an http or https URL`);
  }
  return { url: parsed.href.replace(/\/+$/, ""), publicKeyFiles: fileList(keyFiles) };
}

const NUMBER_SETTINGS = {
  "max-uploads": ["MEMFLOW_TS_MAX_UPLOADS", DEFAULT_MAX_UPLOADS],
  "upload-rate": ["MEMFLOW_TS_UPLOAD_RATE", DEFAULT_UPLOAD_MIB_PER_SECOND],
} as const;

/** A whole number from `minimum` to `maximum` for `--flag` or its variable; its default when unset. */
function wholeNumber(flag: keyof typeof NUMBER_SETTINGS, text: string | undefined, minimum: number, maximum: number) {
  const [variable, fallback] = NUMBER_SETTINGS[flag];
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new ConfigError(
      `--${flag} / ${variable}: expected a whole number from ${minimum} to ${maximum}, got ${text}`,
    );
  }
  return value;
}

/** Checked at start-up, so a typo stops the server instead of silencing plugins. */
function levelFilter(text: string): LevelFilter {
  try {
    return parseLevelFilter(text);
  } catch (error) {
    if (!(error instanceof MemflowError)) throw error;
    throw new ConfigError(`--plugin-log-level / MEMFLOW_TS_PLUGIN_LOG_LEVEL: ${error.detail ?? error.message}`);
  }
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      addr: { type: "string" },
      "storage-root": { type: "string" },
      "public-key-file": { type: "string", multiple: true },
      insecure: { type: "boolean" },
      upstream: { type: "string" },
      "collect-garbage": { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "plugin-dir": { type: "string", multiple: true },
      "inventory-allow-remote": { type: "boolean" },
      "plugin-log-level": { type: "string" },
      ...INVENTORY_FLAGS,
      "max-uploads": { type: "string" },
      "upload-rate": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
    },
  });
}

#!/usr/bin/env bun
/** The executable: reads the configuration, opens the storage, listens, stops cleanly on SIGINT/SIGTERM. */
import { resolve } from "node:path";
import { createApp, SERVER_VERSION } from "./app.ts";
import { runCheck } from "./commands/check-command.ts";
import { runMigrate } from "./commands/migrate-command.ts";
import { ConfigError, readConfig, SHARED_STORE_NAME, USAGE } from "./config.ts";
import { MAX_UPLOAD_BODY_BYTES } from "./http/upload-body.ts";
import { ChainPolicy } from "./inventory/chain-policy.ts";
import { describeInventorySettings } from "./inventory/inventory-settings.ts";
import { canonicalPath, PathConfinement } from "./inventory/path-confinement.ts";
import { SessionPool } from "./inventory/session-pool.ts";
import { openStore } from "./storage/open-store.ts";
import type { RegistryStore } from "./storage/registry-store.ts";
import { StorageInUseError } from "./storage/storage-lock.ts";
import { loadTrustedKeys, TrustedKeyError } from "./trusted-keys.ts";

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

/** Exit codes: 2 for a configuration the server refuses, 3 for a storage folder another server holds. */
function fail(message: string, code: 2 | 3 = 2): never {
  process.stderr.write(`[X] ${message}\n`);
  process.exit(code);
}

let request: ReturnType<typeof readConfig>;
try {
  request = readConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
if (request.kind === "help") {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (request.kind === "version") {
  process.stdout.write(`memflow-ts-server ${SERVER_VERSION}\n`);
  process.exit(0);
}
const { config } = request;

let keys: ReturnType<typeof loadTrustedKeys> | undefined;
let upstreamKeys: ReturnType<typeof loadTrustedKeys> | undefined;
try {
  keys = config.publicKeyFiles.length > 0 ? loadTrustedKeys(config.publicKeyFiles) : undefined;
  const upstreamKeyFiles = config.upstream?.publicKeyFiles ?? [];
  upstreamKeys = upstreamKeyFiles.length > 0 ? loadTrustedKeys(upstreamKeyFiles) : undefined;
} catch (error) {
  if (error instanceof TrustedKeyError) fail(error.message);
  throw error;
}
if (config.insecure) {
  if (keys === undefined) log("warning: no public key, uploads are not verified (--insecure)");
  if (config.bearerToken === undefined) log("warning: no bearer token, anyone can upload and delete (--insecure)");
  if (config.upstream !== undefined && upstreamKeys === undefined)
    log("warning: no upstream key, mirrored files are not verified (--insecure)");
}

if (request.kind === "migrate") process.exit(await migrateStores(request.from, request.to));

/** `migrate`: opens both stores (a folder takes its lock: no server may run on it meanwhile). */
async function migrateStores(from: string, to: string): Promise<number> {
  const open = (name: string) =>
    openStore({
      storageRoot: name,
      shared: name === SHARED_STORE_NAME ? config.shared : undefined,
      verifySignature: undefined,
      publicKeys: undefined,
      warn: log,
      watchFolder: false,
    }).catch((error: unknown) =>
      fail(`cannot open ${name}: ${(error as Error).message}`, error instanceof StorageInUseError ? 3 : 2),
    );
  const source = await open(from);
  const target = await open(to);
  log(`migrating from ${source.opened}`);
  log(`migrating to ${target.opened}`);
  try {
    return await runMigrate(source.store, target.store, (line) => process.stdout.write(`${line}\n`), process.stderr);
  } finally {
    await source.store.close();
    await target.store.close();
  }
}

let store: RegistryStore;
try {
  const opened = await openStore({
    storageRoot: config.storageRoot,
    shared: config.shared,
    verifySignature: keys?.verify,
    publicKeys: keys?.publicKeys,
    warn: log,
    upstream: config.upstream && { url: config.upstream.url, verify: upstreamKeys?.verify },
  });
  store = opened.store;
  log(opened.opened);
} catch (error) {
  if (error instanceof StorageInUseError) fail(error.message, 3);
  const where = config.shared ? "the shared storage" : `the storage folder ${resolve(config.storageRoot)}`;
  fail(`cannot open ${where}: ${(error as Error).message}`);
}

if (request.kind === "check") {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const code = await runCheck(store, keys?.verify, write, request.collectGarbageMinutes);
  await store.close();
  process.exit(code);
}

const { plugins, dataDirectories, ...limits } = config.inventorySettings;
const policy = new ChainPolicy(plugins, new PathConfinement(dataDirectories));
// A data folder around the storage would hand its index (and every stored plugin) to sessions.
const storage = canonicalPath(resolve(config.storageRoot), "/");
if ("path" in storage && policy.confinement.contains(storage.path)) {
  fail(
    `the inventory's data folders (${dataDirectories.join(", ")}) must not contain the storage folder ${storage.path}`,
  );
}
const sessions = new SessionPool(
  { pluginDirectories: config.pluginDirectories },
  { log, logLevel: config.pluginLogLevel, policy, ...limits },
);
const inventory =
  config.inventoryToken === undefined
    ? undefined
    : {
        token: config.inventoryToken,
        allowRemote: config.inventoryAllowRemote,
        source: { pluginDirectories: config.pluginDirectories },
      };
if (inventory) {
  log(
    `inventory API enabled for ${inventory.allowRemote ? "every client" : "loopback clients"}; ` +
      `its plugins log up to ${config.pluginLogLevel}; ${describeInventorySettings(config.inventorySettings)}`,
  );
}

const app = createApp({
  store,
  bearerToken: config.bearerToken,
  log,
  inventory,
  sessions,
  maxUploads: config.maxUploads,
  uploadBytesPerSecond: config.uploadMiBPerSecond * 1024 * 1024,
}).listen({
  ...config.address,
  // Bun stops reading a body past this; the route answers 413 for anything over the real limit.
  maxRequestBodySize: MAX_UPLOAD_BODY_BYTES + 1024 * 1024,
});
process.stdout.write(`memflow-ts-server listening on http://${config.address.hostname}:${app.server?.port}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await app.stop();
    sessions.closeAll();
    await store.close();
    process.exit(0);
  });
}

/**
 * Opens the storage the configuration names: the embedded folder (the default) or the shared
 * PostgreSQL + S3 store, as a pull-through mirror when an upstream is given. Answers the store
 * and what to log about it.
 */
import { resolve } from "node:path";
import { MirrorStore } from "../mirror/mirror-store.ts";
import { UpstreamRegistry } from "../mirror/upstream-registry.ts";
import { PluginStore } from "./plugin-store.ts";
import type { RegistryStore } from "./registry-store.ts";
import { S3Blobs } from "./shared/s3-blobs.ts";
import { SharedStore } from "./shared/shared-store.ts";
import type { SharedSettings } from "./shared-settings.ts";
import type { SignatureCheck } from "./upload-analysis.ts";

export interface StoreChoice {
  storageRoot: string;
  shared: SharedSettings | undefined;
  verifySignature: SignatureCheck | undefined;
  publicKeys: readonly Uint8Array[] | undefined;
  warn: (message: string) => void;
  /** Watch the embedded folder for changes behind the server's back (default true). */
  watchFolder?: boolean;
  /** Mirror this registry: its URL, and the check its files must pass (undefined: `--insecure`). */
  upstream?: { url: string; verify: SignatureCheck | undefined } | undefined;
}

/** Throws StorageInUseError for a folder another server holds; PostgreSQL's or S3's errors as they come. */
export async function openStore(choice: StoreChoice): Promise<{ store: RegistryStore; opened: string }> {
  const { upstream, ...local } = choice;
  const opened = await openLocalStore(local);
  if (upstream === undefined) return opened;
  const store = new MirrorStore(opened.store, new UpstreamRegistry(upstream.url, upstream.verify), choice.warn);
  return { store, opened: `${opened.opened}; mirroring ${upstream.url}` };
}

async function openLocalStore(choice: StoreChoice): Promise<{ store: RegistryStore; opened: string }> {
  const { storageRoot, shared, watchFolder, ...checks } = choice;
  if (shared !== undefined) {
    const blobs = new S3Blobs(shared.s3);
    const store = await SharedStore.open({
      databaseUrl: shared.databaseUrl,
      blobs,
      redirectSeconds: shared.redirectSeconds,
      collectGarbage: { everySeconds: shared.collectEverySeconds, graceSeconds: shared.collectGraceSeconds },
      receiveIn: resolve(storageRoot),
      ...checks,
    });
    return { store, opened: `shared storage: index in PostgreSQL, files in the ${blobs.description}` };
  }
  const store = new PluginStore(resolve(storageRoot), { ...checks, watchFolder });
  const { indexed, parsed, dropped, removedPartial, imported, restored } = store.startup;
  const opened =
    `storage ${store.root}: ${indexed} plugin files (${parsed} read from .meta, ${imported} imported without one), ` +
    `${dropped} ignored, ${removedPartial} partial uploads removed` +
    (restored > 0 ? `, ${restored} .meta files a crash damaged restored from the index` : "");
  return { store, opened };
}

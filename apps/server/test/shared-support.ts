/**
 * The shared store's engines for a test file: one real PostgreSQL cluster and one s3rver, started
 * before its tests and stopped after; each test takes a database of its own. Where PostgreSQL is
 * missing, SHARED_ENGINES_AVAILABLE is false and the file's tests skip (with require-tool's
 * message), except under CI=true, where the import throws.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  POSTGRES_HOOK_TIMEOUT,
  postgresAvailable,
  startPostgres,
  type TestPostgres,
} from "../../../tooling/testing/postgres.ts";
import { createApp } from "../src/app.ts";
import { S3Blobs } from "../src/storage/shared/s3-blobs.ts";
import { SharedStore } from "../src/storage/shared/shared-store.ts";
import { loadTrustedKeys } from "../src/trusted-keys.ts";
import { type KeyPair, keyPair, TOKEN, uploadInit } from "./helpers.ts";
import { startS3, type TestS3 } from "./s3-server.ts";

export const SHARED_ENGINES_AVAILABLE = postgresAvailable();

export interface SharedEngines {
  readonly postgres: TestPostgres;
  readonly s3: TestS3;
  /** A new empty database's URL. */
  database(): Promise<string>;
}

/** Starts the engines in beforeAll (when available); `engines()` answers them. */
export function sharedEngines(): () => SharedEngines {
  let engines: SharedEngines | undefined;
  let databases = 0;
  beforeAll(async () => {
    if (!SHARED_ENGINES_AVAILABLE) return;
    const postgres = await startPostgres();
    const s3 = await startS3();
    engines = { postgres, s3, database: () => postgres.createDatabase(`registry_${++databases}`) };
  }, POSTGRES_HOOK_TIMEOUT);
  afterAll(() => {
    engines?.s3.stop();
    engines?.postgres.stop();
  });
  return () => {
    if (engines === undefined) throw new Error("the shared engines did not start");
    return engines;
  };
}

export interface SharedRegistry {
  readonly store: SharedStore;
  readonly blobs: S3Blobs;
  readonly keys: KeyPair;
  readonly logs: string[];
  fetch(path: string, init?: RequestInit): Promise<Response>;
  upload(file: Uint8Array): Promise<Response>;
  close(): Promise<void>;
}

/** A shared store with its app, in this process, on `databaseUrl` and the engines' bucket. */
export async function sharedRegistry(
  engines: SharedEngines,
  databaseUrl: string,
  keys = keyPair(),
  options: { redirectSeconds?: number } = {},
): Promise<SharedRegistry> {
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-shared-key-"));
  writeFileSync(join(folder, "key.pem"), keys.publicPem);
  const trusted = loadTrustedKeys([join(folder, "key.pem")]);
  const logs: string[] = [];
  const blobs = new S3Blobs(engines.s3.options);
  const store = await SharedStore.open({
    databaseUrl,
    blobs,
    verifySignature: trusted.verify,
    publicKeys: trusted.publicKeys,
    warn: (line) => logs.push(line),
    // Its receiving folder goes with the key's.
    receiveIn: folder,
    ...options,
  });
  const app = createApp({ store, bearerToken: TOKEN, log: (line) => logs.push(line) });
  const fetch = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));
  return {
    store,
    blobs,
    keys,
    logs,
    fetch,
    upload: (file) => fetch("/files", uploadInit(file, { signature: keys.sign(file) })),
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

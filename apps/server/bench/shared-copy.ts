/**
 * The shared mode for a bench (shared.ts, shared-memory.ts): a PostgreSQL cluster and s3rver on
 * 127.0.0.1, the storage folder's plugins copied into them by `migrate` (as an operator would),
 * the bench run over them, and both stopped after it (its servers first: they would keep asking
 * a stopped PostgreSQL).
 */
import { startPostgres } from "../../../tooling/testing/postgres.ts";
import { migrate } from "../src/commands/migrate-command.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import { S3Blobs } from "../src/storage/shared/s3-blobs.ts";
import { SharedStore } from "../src/storage/shared/shared-store.ts";
import { DEFAULT_COLLECT_GRACE_SECONDS, type SharedSettings } from "../src/storage/shared-settings.ts";
import { startS3 } from "../test/s3-server.ts";
import { cleanUp } from "./children.ts";

/** Runs `bench` with the settings of a shared store holding a copy of `storage`'s plugins. */
export async function withSharedCopy(
  storage: string,
  receiveIn: string,
  bench: (settings: SharedSettings, copied: number) => Promise<void>,
): Promise<void> {
  const postgres = await startPostgres();
  const s3 = await startS3();
  try {
    const settings: SharedSettings = {
      databaseUrl: await postgres.createDatabase("bench"),
      s3: s3.options,
      collectEverySeconds: 0,
      collectGraceSeconds: DEFAULT_COLLECT_GRACE_SECONDS,
    };
    const folder = new PluginStore(storage, { watchFolder: false });
    const shared = await SharedStore.open({
      databaseUrl: settings.databaseUrl,
      blobs: new S3Blobs(settings.s3),
      receiveIn,
    });
    const { copied } = await migrate(folder, shared);
    folder.close();
    await shared.close();
    await bench(settings, copied);
  } finally {
    cleanUp();
    s3.stop();
    postgres.stop();
  }
}

/**
 * `memflow-ts-server migrate --from <folder | postgres> --to <folder | postgres>`: copies every
 * listed plugin file, with its metadata as stored (signature, upload time), from one store to the
 * other: the embedded folder ⇄ PostgreSQL + the bucket, either way. Resumable: a file the target
 * lists already is skipped, so a run cut short is simply run again. A file that fails its own
 * check (damaged metadata, missing or altered bytes) is named and left behind; the exit code is
 * then 1.
 */
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { RegistryStore } from "../storage/registry-store.ts";
import { checkStoredMetadata, unusableReason } from "../storage/stored-metadata.ts";
import { progressBar } from "./progress-bar.ts";

/** Files copied at once. */
const MIGRATE_LANES = 8;

export interface MigrateReport {
  readonly copied: number;
  /** Listed by the target already (an earlier run's, or uploaded there). */
  readonly present: number;
  readonly failed: { digest: string; problem: string }[];
}

async function readListed(from: RegistryStore, digest: string): Promise<{ bytes: Uint8Array; meta: PluginMetadata }> {
  const text = await from.storedMetadata(digest);
  if (text === undefined) throw new Error("its metadata is missing");
  const meta = checkStoredMetadata(text, `${digest}.meta`, digest);
  const bytes = await from.storedBytes(digest);
  if (bytes === undefined) throw new Error("its file is missing");
  if (new Bun.CryptoHasher("sha256").update(bytes).digest("hex") !== digest) {
    throw new Error("its file's content does not match its digest");
  }
  return { bytes, meta };
}

export async function migrate(
  from: RegistryStore,
  to: RegistryStore,
  progress: (done: number, total: number) => void = () => {},
): Promise<MigrateReport> {
  const [listed, present] = await Promise.all([from.indexedDigests(), to.indexedDigests()]);
  const there = new Set(present);
  const failed: MigrateReport["failed"] = [];
  let copied = 0;
  let skipped = 0;
  let next = 0;
  let done = 0;
  const copyOne = async (digest: string) => {
    if (there.has(digest)) {
      skipped += 1;
      return;
    }
    let file: Awaited<ReturnType<typeof readListed>>;
    try {
      file = await readListed(from, digest);
    } catch (error) {
      failed.push({ digest, problem: unusableReason(error, `${digest}.meta`) ?? (error as Error).message });
      return;
    }
    try {
      if ((await to.adopt(file.bytes, file.meta)) === "Added") copied += 1;
      else skipped += 1;
    } catch (error) {
      failed.push({ digest, problem: `the target refused it: ${(error as Error).message}` });
    }
  };
  // A few files at once: each is a round trip or two to PostgreSQL and the bucket.
  const lane = async () => {
    while (next < listed.length) {
      await copyOne(listed[next++] as string);
      progress(++done, listed.length);
    }
  };
  await Promise.all(Array.from({ length: MIGRATE_LANES }, lane));
  failed.sort((a, b) => a.digest.localeCompare(b.digest));
  return { copied, present: skipped, failed };
}

/** Runs `migrate`, drawing its progress on `terminal` (a bar when it is a TTY); the exit code. */
export async function runMigrate(
  from: RegistryStore,
  to: RegistryStore,
  out: (line: string) => void,
  terminal: { write(text: string): void; isTTY?: boolean },
): Promise<0 | 1> {
  const report = await migrate(from, to, (done, total) => {
    if (terminal.isTTY) terminal.write(`\r${progressBar(done, total)}`);
  });
  if (terminal.isTTY) terminal.write("\n");
  for (const { digest, problem } of report.failed) out(`${digest}: not copied: ${problem}`);
  out(`copied ${report.copied} plugin files; ${report.present} were there already; ${report.failed.length} not copied`);
  return report.failed.length === 0 ? 0 : 1;
}

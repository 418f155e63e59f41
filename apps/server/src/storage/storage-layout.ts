/**
 * The names in a storage folder. memflow-registry's own are `<digest>.plugin` and `<digest>.meta`
 * (and it reads nothing else); every other name here starts with a dot, so memflow-registry, run
 * on the same folder later, ignores it.
 */

/** The index's file name inside the storage folder. */
export const INDEX_FILE_NAME = ".memflow-ts-index.sqlite";

/** The file a running server holds locked (storage-lock.ts). */
export const LOCK_FILE_NAME = ".memflow-ts-server.lock";

/**
 * Where uploads are received, inside the storage folder (so a commit is a rename): a folder of its
 * own, so that writing them wakes no watcher of the storage folder. Start-up empties it.
 */
export const INCOMING_FOLDER = ".memflow-ts-incoming";

/**
 * In the shared mode, where each server receives its uploads inside the storage folder: a folder
 * per server process below this one (servers on one machine may share the storage folder).
 */
export const SHARED_INCOMING_FOLDER = ".memflow-ts-incoming-shared";

/** Prefix of temporary files; start-up removes any a crash left behind. */
export const TEMPORARY_PREFIX = ".incoming-";

/** A temporary name for a file that will be renamed or linked to `finalName`. */
export function temporaryName(finalName: string): string {
  return `${TEMPORARY_PREFIX}${process.pid}-${crypto.randomUUID()}-${finalName}`;
}

/**
 * The marker an upload leaves while its `.plugin` is in place but its `.meta` is not yet: a crash
 * in between leaves both, and start-up then knows that `.plugin` for an unfinished upload of its
 * own (removed: the client never heard "Added"), not for a plugin from elsewhere (imported).
 */
export function committingMarkerName(digest: string): string {
  return temporaryName(`${digest}.committing`);
}

/** The digest a marker names; undefined for any other temporary file. */
export function committingDigest(name: string): string | undefined {
  return name.startsWith(TEMPORARY_PREFIX) ? /-([0-9a-f]{64})\.committing$/.exec(name)?.[1] : undefined;
}

export interface StoredFileName {
  digest: string;
  kind: "plugin" | "meta";
}

/** `<digest>.plugin` or `<digest>.meta`; undefined for every other name. */
export function storedFileName(name: string): StoredFileName | undefined {
  const match = /^([0-9a-f]{64})\.(meta|plugin)$/.exec(name);
  if (!match?.[1]) return undefined;
  return { digest: match[1], kind: match[2] === "plugin" ? "plugin" : "meta" };
}

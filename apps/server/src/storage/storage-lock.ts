/**
 * One server per storage folder. Two would each sweep the other's temporary files at start-up and
 * keep indexes that never see the other's uploads. A running store holds a lock on a file in the
 * folder through SQLite's file locking (POSIX advisory locks), which the kernel drops when the
 * process ends, however it ends: after a crash or `kill -9` there is no stale lock to clean up,
 * unlike a pid file, and a reused pid cannot keep a folder locked.
 *
 * The holder writes its pid into the file before it takes the lasting lock, so a refused server
 * can say which process holds the folder.
 */
import { Database } from "bun:sqlite";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE_NAME } from "./storage-layout.ts";

/** A second store refused a folder that a running one holds. */
export class StorageInUseError extends Error {
  override readonly name = "StorageInUseError";
}

/**
 * Folders this process holds. POSIX locks never exclude their own process, and with Bun's SQLite a
 * second connection to a locked file was seen to release the first one's lock; so a process opens
 * each lock file once and refuses a second store by this set.
 */
const held = new Set<string>();

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

/** Starts a write transaction, which a second holder cannot; false when another process has one. */
function tryLock(db: Database): boolean {
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (error) {
    if (isBusy(error)) return false;
    throw error;
  }
}

function refusal(root: string, db: Database): StorageInUseError {
  let holder = "";
  try {
    const row = db.query<{ pid: number; since: string }, []>("SELECT pid, since FROM holder").get();
    if (row) holder = ` (pid ${row.pid}, since ${row.since})`;
  } catch {
    // The holder is between two steps of taking the lock; the message goes without its pid.
  }
  return new StorageInUseError(
    `the storage folder ${root} is in use by another memflow-ts-server${holder}: run one server per folder`,
  );
}

export class StorageLock {
  readonly #key: string;
  #db: Database | undefined;

  private constructor(key: string, db: Database) {
    this.#key = key;
    this.#db = db;
  }

  /** Takes the folder's lock; throws StorageInUseError when another store holds it. */
  static acquire(root: string): StorageLock {
    const key = realpathSync(root);
    if (held.has(key)) throw new StorageInUseError(`the storage folder ${root} is already open in this process`);
    const db = new Database(join(root, LOCK_FILE_NAME), { create: true });
    try {
      db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL)");
      if (!tryLock(db)) throw refusal(root, db);
      db.run("DELETE FROM holder");
      db.run("INSERT INTO holder (pid, since) VALUES (?, ?)", [process.pid, new Date().toISOString()]);
      db.exec("COMMIT");
      // Committing let go for a moment; whoever locks now holds the folder.
      if (!tryLock(db)) throw refusal(root, db);
    } catch (error) {
      const thrown = isBusy(error) ? refusal(root, db) : error;
      db.close();
      throw thrown;
    }
    held.add(key);
    return new StorageLock(key, db);
  }

  /** Lets the folder go; a second call does nothing. */
  release(): void {
    if (this.#db === undefined) return;
    this.#db.close();
    this.#db = undefined;
    held.delete(this.#key);
  }
}

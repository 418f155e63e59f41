/**
 * The shared index's schema in PostgreSQL, as numbered migrations. Every server applies the ones
 * its database lacks at start, in one transaction under an advisory lock, so servers started
 * together neither race nor apply one twice; a migration is never edited once released, only
 * followed by another. Columns compared or sorted as text use the "C" collation: byte order, as
 * SQLite's, whatever the database's locale.
 */
import type { SQL } from "bun";

/** pg_advisory_xact_lock's key: "memflowt" in ASCII, so other applications' locks do not collide. */
const MIGRATION_LOCK = 0x6d656d666c6f7774n;

export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: "files and variants",
    sql: `
      CREATE TABLE files (
        digest text COLLATE "C" PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
        meta text NOT NULL,
        size bigint NOT NULL,
        indexed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE variants (
        digest text COLLATE "C" NOT NULL REFERENCES files (digest) ON DELETE CASCADE,
        position integer NOT NULL,
        name text COLLATE "C" NOT NULL,
        version text COLLATE "C" NOT NULL,
        plugin_version integer NOT NULL,
        file_type text COLLATE "C" NOT NULL,
        architecture text COLLATE "C" NOT NULL,
        byte_order text NOT NULL CHECK (byte_order IN ('little', 'big')),
        created_at text NOT NULL,
        created_at_ns text COLLATE "C" NOT NULL,
        signature text NOT NULL,
        descriptor text NOT NULL,
        PRIMARY KEY (digest, position)
      );
      CREATE INDEX variants_by_name_order ON variants (name, plugin_version DESC, created_at_ns DESC, digest, position);
    `,
  },
];

/** Applies the migrations `sql`'s database lacks; answers the versions it applied. */
export async function migrate(sql: SQL): Promise<number[]> {
  return sql.begin(async (transaction) => {
    await transaction`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    await transaction`CREATE TABLE IF NOT EXISTS memflow_ts_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const rows: { version: number }[] = await transaction`SELECT version FROM memflow_ts_migrations`;
    const applied = new Set(rows.map((row) => row.version));
    const newer = Math.max(0, ...applied);
    const latest = Math.max(...MIGRATIONS.map((migration) => migration.version));
    if (newer > latest) {
      throw new Error(
        `the database's schema (version ${newer}) is newer than this server's (${latest}): upgrade the server`,
      );
    }
    const done: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await transaction.unsafe(migration.sql);
      await transaction`INSERT INTO memflow_ts_migrations (version, name) VALUES (${migration.version}, ${migration.name})`;
      done.push(migration.version);
    }
    return done;
  });
}

/**
 * A real PostgreSQL for tests: Debian's `postgresql` package, a cluster in a temporary folder on
 * a free 127.0.0.1 port, started with pg_ctl and stopped (and removed) by `stop()`. PostgreSQL
 * refuses to run as root, so as root the cluster belongs to the package's `postgres` user. A test
 * file asks `postgresAvailable()` first (which skips with the package's name, or throws under
 * CI=true, when it is missing).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireFeature } from "./require-tool.ts";

/** How long a hook that starts a cluster may take (initdb is slow on a busy machine). */
export const POSTGRES_HOOK_TIMEOUT = 120_000;

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** A new, empty database on the cluster; its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function binaryFolder(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, "bin/pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** The user the cluster runs as: `postgres` when this process is root, else this process's own. */
function clusterUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  const result = spawnSync(join(bin, args[0] as string), args.slice(1), {
    encoding: "utf8",
    uid: user?.uid,
    gid: user?.gid,
    cwd: "/",
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}${result.stdout}`);
}

/** Whether PostgreSQL is installed; says what to install when not (require-tool.ts). */
export function postgresAvailable(): boolean {
  return requireFeature(
    "PostgreSQL (initdb, pg_ctl under /usr/lib/postgresql)",
    "postgresql",
    binaryFolder() !== undefined,
  );
}

/** Starts a cluster; throws when PostgreSQL is not installed (ask `postgresAvailable()` first). */
export async function startPostgres(): Promise<TestPostgres> {
  const binFolder = binaryFolder();
  if (binFolder === undefined) throw new Error("PostgreSQL is not installed (Debian package postgresql)");
  const user = clusterUser();
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-postgres-"));
  chmodSync(folder, 0o700);
  if (user) chownSync(folder, user.uid, user.gid);
  const data = join(folder, "data");
  run(binFolder, ["initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], user);
  const port = await freePort();
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  run(binFolder, ["pg_ctl", "-D", data, "-o", options, "-l", join(folder, "log"), "-w", "start"], user);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name: string) {
      const sql = new Bun.SQL(url);
      try {
        await sql.unsafe(`CREATE DATABASE "${name.replaceAll('"', "")}"`);
      } finally {
        await sql.close();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        run(binFolder, ["pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], user);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A local npm registry for release tests: Verdaccio under the real Node on 127.0.0.1, its storage
 * and htpasswd in a temp folder, and no uplinks, so it serves only what was published to it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { realNodeBinary } from "./node-binary.ts";
import { freeLoopbackPort, waitUntil } from "./wait.ts";

export interface LocalRegistry {
  /** With a trailing slash, as npm writes registry URLs. */
  readonly url: string;
  /** The publish user's token, for NPM_CONFIG_TOKEN. */
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * Anyone may read; only the one registered user may publish. `max_users: 1` lets the test
 * register that user over the API (as `npm adduser` would) and nobody after it.
 */
const CONFIG = `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 1
uplinks: {}
# The CLI's platform packages carry a ~100 MB executable (the default limit is 10 MB).
max_body_size: 400mb
packages:
  "**":
    access: $all
    publish: $authenticated
    unpublish: $authenticated
log: { type: stdout, format: pretty, level: warn }
`;

const USER = { name: "release", password: "local-registry-only" };

function verdaccioBin(): string {
  return join(dirname(Bun.resolveSync("verdaccio/package.json", import.meta.dir)), "bin", "verdaccio");
}

export async function startLocalRegistry(folder: string): Promise<LocalRegistry> {
  mkdirSync(folder, { recursive: true });
  const config = join(folder, "config.yaml");
  writeFileSync(config, CONFIG);
  const url = `http://127.0.0.1:${await freeLoopbackPort()}/`;
  const child = Bun.spawn([realNodeBinary(), verdaccioBin(), "--config", config, "--listen", new URL(url).host], {
    cwd: folder,
    env: { ...process.env, NODE_ENV: "production" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const log = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  try {
    await waitUntil(`Verdaccio on ${url}`, 60_000, async () => {
      if (child.exitCode !== null)
        throw new Error(`Verdaccio exited with ${child.exitCode}:\n${(await log).join("\n")}`);
      return (await fetch(`${url}-/ping`).catch(() => undefined))?.ok === true;
    });
    const response = await fetch(`${url}-/user/org.couchdb.user:${USER.name}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(USER),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || body.token === undefined) throw new Error(`adding the publish user: ${JSON.stringify(body)}`);
    return {
      url,
      token: body.token,
      async stop() {
        child.kill();
        await child.exited;
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}

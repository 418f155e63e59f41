/**
 * The pull-through mirror, all real servers on 127.0.0.1: a third server is the upstream. A mirror
 * lists its own plugins first, then the upstream's; pulls a file on first request, checks it
 * against the upstream's key, stores it and serves it from then on (the upstream gone too); a
 * file the upstream's key did not sign is refused and never stored. In the embedded and the
 * PostgreSQL + S3 modes.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { fixture, type KeyPair, keyPair, rebuilt, sha256, TOKEN, uploadInit } from "./helpers.ts";
import { type ServerChild, serversPerTest } from "./server-child.ts";
import { SHARED_ENGINES_AVAILABLE, sharedEngines } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const gcc = fixture("elf/x86_64-gcc.so");
const servers = serversPerTest();
const folder = () => servers.folder();

function server(cwd: string, args: string[], env: Record<string, string>): Promise<ServerChild> {
  return servers.start(cwd, args, { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_BEARER_TOKEN: TOKEN, ...env });
}

async function stop(target: ServerChild): Promise<void> {
  target.child.kill("SIGKILL");
  await target.child.exited;
}

/** An upstream registry whose uploads must be signed with `keys` (or anything, `--insecure`). */
async function upstream(keys: KeyPair | undefined): Promise<ServerChild> {
  const cwd = folder();
  if (keys === undefined) return server(cwd, ["--insecure"], { MEMFLOW_STORAGE_ROOT: "plugins" });
  writeFileSync(join(cwd, "key.pem"), keys.publicPem);
  return server(cwd, [], { MEMFLOW_STORAGE_ROOT: "plugins", MEMFLOW_PUBLIC_KEY_FILE: "key.pem" });
}

/** A mirror of `of`, trusting `upstreamKeys` for its files and `own` for its own uploads. */
async function mirror(of: ServerChild, upstreamKeys: KeyPair, own: KeyPair, env: Record<string, string> = {}) {
  const cwd = folder();
  writeFileSync(join(cwd, "upstream.pem"), upstreamKeys.publicPem);
  writeFileSync(join(cwd, "own.pem"), own.publicPem);
  const started = await server(cwd, ["--upstream", of.base], {
    MEMFLOW_STORAGE_ROOT: "plugins",
    MEMFLOW_PUBLIC_KEY_FILE: "own.pem",
    MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE: "upstream.pem",
    ...env,
  });
  return { server: started, cwd };
}

async function push(to: ServerChild, file: Uint8Array, keys: KeyPair): Promise<unknown> {
  return (await fetch(`${to.base}/files`, uploadInit(file, { signature: keys.sign(file) }))).json();
}

async function variants(of: ServerChild): Promise<{ digests: string[]; total: number }> {
  const body = (await (await fetch(`${of.base}/plugins/gcc_x86_64?limit=10`)).json()) as {
    plugins: { digest: string }[];
    total: number;
  };
  return { digests: body.plugins.map((plugin) => plugin.digest), total: body.total };
}

describe("a pull-through mirror", () => {
  test("lists its own plugins first, pulls a file on first request, keeps the upstream's signature and serves it after the upstream is gone", async () => {
    const upstreamKeys = keyPair();
    const ownKeys = keyPair();
    const source = await upstream(upstreamKeys);
    const theirs = rebuilt(gcc, 200);
    const ours = rebuilt(gcc, 201);
    expect(await push(source, theirs, upstreamKeys)).toBe("Added");
    const { server: local, cwd } = await mirror(source, upstreamKeys, ownKeys);
    expect(await push(local, ours, ownKeys)).toBe("Added");

    expect(await variants(local)).toEqual({ digests: [sha256(ours), sha256(theirs)], total: 2 });
    const names = (await (await fetch(`${local.base}/plugins`)).json()) as { plugins: { name: string }[] };
    expect(names.plugins.map((entry) => entry.name)).toEqual(["gcc_x86_64"]);

    const pulled = await fetch(`${local.base}/files/${sha256(theirs)}`);
    expect(pulled.status).toBe(200);
    expect(sha256(new Uint8Array(await pulled.arrayBuffer()))).toBe(sha256(theirs));
    expect(existsSync(join(cwd, "plugins", `${sha256(theirs)}.plugin`))).toBe(true);
    const meta = JSON.parse(await (await fetch(`${local.base}/files/${sha256(theirs)}/metadata`)).text());
    const upstreamMeta = JSON.parse(await (await fetch(`${source.base}/files/${sha256(theirs)}/metadata`)).text());
    expect(meta.signature).toBe(upstreamKeys.sign(theirs));
    expect(meta.created_at).toBe(upstreamMeta.created_at);

    await stop(source);
    const offline = await fetch(`${local.base}/files/${sha256(theirs)}`);
    expect(offline.status).toBe(200);
    expect(sha256(new Uint8Array(await offline.arrayBuffer()))).toBe(sha256(theirs));
    // Listings carry on without the upstream, with what is stored here.
    const alone = await variants(local);
    expect(alone.digests.sort()).toEqual([sha256(ours), sha256(theirs)].sort());
    await local.waitForLog(/listing without the upstream: the upstream registry .* cannot be reached/);
  });

  test("refuses a file the upstream's key did not sign, and stores nothing", async () => {
    const upstreamKeys = keyPair();
    const source = await upstream(undefined);
    const forged = rebuilt(gcc, 210);
    expect(await push(source, forged, keyPair())).toBe("Added");
    const { server: local, cwd } = await mirror(source, upstreamKeys, keyPair());
    const refused = await fetch(`${local.base}/files/${sha256(forged)}`, { headers: { accept: "application/json" } });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({
      error: {
        code: "upstream-refused",
        message: `the upstream registry's file ${sha256(forged)} was refused: Signature error: file signature is invalid`,
      },
    });
    expect((await fetch(`${local.base}/files/${sha256(forged)}/metadata`)).status).toBe(502);
    expect(existsSync(join(cwd, "plugins", `${sha256(forged)}.plugin`))).toBe(false);
    // A digest neither has is a 404, as anywhere.
    expect((await fetch(`${local.base}/files/${"0".repeat(64)}`)).status).toBe(404);
  });
});

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("a pull-through mirror on PostgreSQL and a bucket", () => {
  const engines = sharedEngines();

  test("stores what it pulls in the shared storage, where every server behind it serves it", async () => {
    const upstreamKeys = keyPair();
    const source = await upstream(upstreamKeys);
    const theirs = rebuilt(gcc, 220);
    expect(await push(source, theirs, upstreamKeys)).toBe("Added");
    const env = { ...engines().s3.env, DATABASE_URL: await engines().database() };
    const [one, two] = await Promise.all([
      mirror(source, upstreamKeys, keyPair(), env),
      mirror(source, upstreamKeys, keyPair(), env),
    ]);
    expect((await fetch(`${one.server.base}/files/${sha256(theirs)}`)).status).toBe(200);
    await stop(source);
    const fromTwo = await fetch(`${two.server.base}/files/${sha256(theirs)}`);
    expect(fromTwo.status).toBe(200);
    expect(sha256(new Uint8Array(await fromTwo.arrayBuffer()))).toBe(sha256(theirs));
    expect((await variants(two.server)).digests).toEqual([sha256(theirs)]);
  });
});

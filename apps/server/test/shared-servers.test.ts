/**
 * Several real servers (src/main.ts, each its own process) on one PostgreSQL and one bucket, as
 * behind a load balancer: what one does, the other sees; a server killed with SIGKILL in the
 * middle of uploads leaves nothing listed that cannot be downloaded whole.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { DEFAULT_STORAGE_ROOT } from "../src/config.ts";
import { SHARED_INCOMING_FOLDER } from "../src/storage/storage-layout.ts";
import { fixture, keyPair, rebuilt, sha256, TOKEN, uploadInit } from "./helpers.ts";
import { type ServerChild, serversPerTest } from "./server-child.ts";
import { SHARED_ENGINES_AVAILABLE, sharedEngines } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const engines = sharedEngines();
const keys = keyPair();
const gcc = fixture("elf/x86_64-gcc.so");
const tracked = serversPerTest();

/** `count` servers on a new database and the engines' bucket. */
async function servers(count: number): Promise<{ started: ServerChild[]; env: Record<string, string>; cwd: string }> {
  const cwd = tracked.folder();
  writeFileSync(join(cwd, "key.pem"), keys.publicPem);
  const env = {
    ...engines().s3.env,
    DATABASE_URL: await engines().database(),
    MEMFLOW_ADDR: "127.0.0.1:0",
    MEMFLOW_PUBLIC_KEY_FILE: "key.pem",
    MEMFLOW_BEARER_TOKEN: TOKEN,
  };
  const started = await Promise.all(Array.from({ length: count }, () => tracked.start(cwd, [], env)));
  return { started, env, cwd };
}

const upload = (server: ServerChild, file: Uint8Array) =>
  fetch(`${server.base}/files`, uploadInit(file, { signature: keys.sign(file) }));

async function listing(server: ServerChild): Promise<{ plugins: { digest: string }[]; total: number }> {
  return (await fetch(`${server.base}/plugins/gcc_x86_64?limit=100`)).json() as Promise<{
    plugins: { digest: string }[];
    total: number;
  }>;
}

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("two servers on one PostgreSQL and one bucket", () => {
  test("identical uploads to both at once make one entry; different ones are all listed by both", async () => {
    const { started } = await servers(2);
    const [one, two] = started as [ServerChild, ServerChild];
    expect(one.logs.join("\n")).toContain("shared storage: index in PostgreSQL, files in the s3 bucket plugins");
    const same = rebuilt(gcc, 100);
    const answers = await Promise.all([one, two, one, two, one, two].map((server) => upload(server, same)));
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    expect(bodies.filter((body) => body === "Added")).toHaveLength(1);
    expect(bodies.filter((body) => body === "AlreadyExists")).toHaveLength(5);
    const different = Array.from({ length: 8 }, (_, n) => rebuilt(gcc, 101 + n));
    const added = await Promise.all(different.map((file, n) => upload(n % 2 === 0 ? one : two, file)));
    expect(await Promise.all(added.map((answer) => answer.json()))).toEqual(Array(8).fill("Added"));
    for (const server of [one, two]) {
      const { plugins, total } = await listing(server);
      expect(total).toBe(9);
      expect(plugins.map((plugin) => plugin.digest).sort()).toEqual([same, ...different].map(sha256).sort());
    }
  });

  test("a delete on one is seen by the other: its download is a 404 at once, its listing follows", async () => {
    const { started } = await servers(2);
    const [one, two] = started as [ServerChild, ServerChild];
    const file = rebuilt(gcc, 120);
    const digest = sha256(file);
    await upload(one, file);
    expect((await fetch(`${two.base}/files/${digest}`)).status).toBe(200);
    expect((await listing(two)).total).toBe(1);
    const deleted = await fetch(`${one.base}/files/${digest}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(deleted.status).toBe(200);
    expect((await fetch(`${two.base}/files/${digest}`)).status).toBe(404);
    expect((await fetch(`${two.base}/files/${digest}/metadata`)).status).toBe(404);
    // The listing the other server cached goes when PostgreSQL's notice arrives.
    while ((await listing(two)).total !== 0) await Bun.sleep(10);
    expect((await listing(two)).plugins).toEqual([]);
  });

  test("SIGKILL of one during uploads: the other serves every listed file whole, and so does a restarted one", async () => {
    const { started, env, cwd } = await servers(2);
    const [victim, survivor] = started as [ServerChild, ServerChild];
    const files = Array.from({ length: 6 }, (_, n) => rebuilt(gcc, 1024 * 1024 + 130 + n));
    const statuses = files.map((file) =>
      upload(victim, file).then(
        (response) => response.status,
        () => "cut" as const,
      ),
    );
    // One upload stops half way, so the kill always lands in the middle of one.
    const head = `--cut\r\nContent-Disposition: form-data; name="signature"\r\n\r\n${keys.sign(gcc)}\r\n--cut\r\nContent-Disposition: form-data; name="file"\r\n\r\n`;
    const halfWay = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        controller.enqueue(gcc.subarray(0, gcc.byteLength / 2));
      },
    });
    const cut = fetch(`${victim.base}/files`, {
      method: "POST",
      body: halfWay,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/form-data; boundary=cut" },
    }).catch(() => "cut" as const);
    await victim.waitForLog(/upload: Added/);
    victim.child.kill("SIGKILL");
    await victim.child.exited;
    const answered = await Promise.all(statuses);
    expect(await cut).toBe("cut");

    const restarted = await tracked.start(cwd, [], env);
    for (const server of [survivor, restarted]) {
      const { plugins, total } = await listing(server);
      // Every upload answered "Added" before the kill is listed...
      expect(total).toBeGreaterThanOrEqual(answered.filter((status) => status === 200).length);
      expect(total).toBeGreaterThanOrEqual(1);
      // ...and every listed file downloads whole.
      for (const { digest } of plugins) {
        const download = await fetch(`${server.base}/files/${digest}`);
        expect(download.status).toBe(200);
        expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(digest);
      }
    }
    // The killed server's receiving folder is its own, inside the storage folder, not another's.
    const receiving = readdirSync(join(cwd, DEFAULT_STORAGE_ROOT, SHARED_INCOMING_FOLDER));
    expect(receiving.filter((name) => name.startsWith(`${victim.child.pid}-`))).toHaveLength(1);
    // Uploads cut by the kill can be made again, through either server.
    for (const file of files) expect((await upload(survivor, file)).status).toBe(200);
    expect((await listing(restarted)).total).toBe(files.length);
  });
});

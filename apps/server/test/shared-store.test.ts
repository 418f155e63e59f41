/**
 * The shared store (PostgreSQL index + S3 bucket) behind the same routes as the embedded one,
 * on a real PostgreSQL cluster and a real S3 server (s3rver) on 127.0.0.1.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { S3Blobs } from "../src/storage/shared/s3-blobs.ts";
import { SharedStore } from "../src/storage/shared/shared-store.ts";
import { fixture, keyPair, rebuilt, sha256, TOKEN } from "./helpers.ts";
import { SHARED_ENGINES_AVAILABLE, type SharedRegistry, sharedEngines, sharedRegistry } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const engines = sharedEngines();
const opened: SharedRegistry[] = [];
afterEach(async () => {
  for (const registry of opened.splice(0)) await registry.close();
});

/** Registries on a new database, with one signing key. */
async function fresh(count: number): Promise<SharedRegistry[]> {
  const found = engines();
  const url = await found.database();
  const keys = keyPair();
  const registries = await Promise.all(Array.from({ length: count }, () => sharedRegistry(found, url, keys)));
  opened.push(...registries);
  return registries;
}

const gcc = fixture("elf/x86_64-gcc.so");

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("the shared store", () => {
  test("serves an upload as the embedded store does: listing, metadata, download with ETag and Range, delete", async () => {
    const [registry] = (await fresh(1)) as [SharedRegistry];
    const file = rebuilt(gcc, 1);
    const digest = sha256(file);
    expect(await (await registry.upload(file)).json()).toBe("Added");
    expect(await (await registry.upload(file)).json()).toBe("AlreadyExists");
    expect(await (await registry.fetch("/plugins")).json()).toEqual({
      plugins: [{ name: "gcc_x86_64", description: expect.any(String) }],
    });
    const found = (await (await registry.fetch("/plugins/gcc_x86_64?limit=1")).json()) as {
      plugins: { digest: string; signature: string }[];
      total: number;
    };
    expect(found.total).toBe(1);
    expect(found.plugins[0]?.digest).toBe(digest);
    expect(found.plugins[0]?.signature).toBe(registry.keys.sign(file));
    const meta = JSON.parse(await (await registry.fetch(`/files/${digest}/metadata`)).text());
    expect(meta.digest).toBe(digest);

    const whole = await registry.fetch(`/files/${digest}`);
    expect(whole.headers.get("etag")).toBe(`"${digest}"`);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(digest);
    const part = await registry.fetch(`/files/${digest}`, { headers: { range: "bytes=0-3" } });
    expect(part.status).toBe(206);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect((await registry.fetch(`/files/${digest}`, { headers: { "if-none-match": `"${digest}"` } })).status).toBe(
      304,
    );

    const remove = { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } };
    expect((await registry.fetch(`/files/${digest}`, remove)).status).toBe(200);
    expect((await registry.fetch(`/files/${digest}`)).status).toBe(404);
    expect((await registry.fetch(`/files/${digest}`, remove)).status).toBe(404);
    expect(await registry.blobs.exists(digest)).toBe(false);
    expect(await (await registry.fetch("/plugins/gcc_x86_64")).json()).toMatchObject({ plugins: [], total: 0 });
  });

  test("filters and pages as the embedded index does, newest first", async () => {
    const [registry] = (await fresh(1)) as [SharedRegistry];
    const digests: string[] = [];
    for (let n = 10; n < 13; n += 1) {
      const file = rebuilt(gcc, n);
      digests.push(sha256(file));
      expect(await (await registry.upload(file)).json()).toBe("Added");
    }
    const page = (await (await registry.fetch("/plugins/gcc_x86_64?skip=1&limit=1")).json()) as {
      plugins: { digest: string }[];
      total: number;
      skip: number;
    };
    expect(page.total).toBe(3);
    expect(page.skip).toBe(1);
    expect(page.plugins).toHaveLength(1);
    const past = (await (await registry.fetch("/plugins/gcc_x86_64?skip=5")).json()) as { total: number };
    expect(past.total).toBe(3);
    const byPrefix = (await (
      await registry.fetch(`/plugins/gcc_x86_64?version=${digests[1]?.slice(0, 12)}`)
    ).json()) as { plugins: { digest: string }[] };
    expect(byPrefix.plugins.map((plugin) => plugin.digest)).toEqual([digests[1] as string]);
    expect(await (await registry.fetch("/plugins/gcc_x86_64?file_type=pe")).json()).toMatchObject({ total: 0 });
  });

  test("refuses a badly signed upload and stores nothing", async () => {
    const [registry] = (await fresh(1)) as [SharedRegistry];
    const file = rebuilt(gcc, 20);
    const forged = await registry.fetch("/files", {
      method: "POST",
      body: (() => {
        const form = new FormData();
        form.append("file", new Blob([file]));
        form.append("signature", keyPair().sign(file));
        return form;
      })(),
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toBe("Signature error: file signature is invalid");
    expect(await registry.blobs.exists(sha256(file))).toBe(false);
  });

  test("two stores uploading the same file at the same moment end with one entry; different files all listed", async () => {
    const [one, two] = (await fresh(2)) as [SharedRegistry, SharedRegistry];
    const same = rebuilt(gcc, 30);
    const answers = await Promise.all([one.upload(same), two.upload(same), one.upload(same), two.upload(same)]);
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    expect(bodies.filter((body) => body === "Added")).toHaveLength(1);
    expect(bodies.filter((body) => body === "AlreadyExists")).toHaveLength(3);
    const different = [31, 32, 33, 34].map((n) => rebuilt(gcc, n));
    await Promise.all(different.map((file, n) => (n % 2 === 0 ? one : two).upload(file)));
    for (const registry of [one, two]) {
      const listing = (await (await registry.fetch("/plugins/gcc_x86_64?limit=50")).json()) as { total: number };
      expect(listing.total).toBe(5);
    }
  });

  test("a delete on one store is seen by the other: downloads at once, cached listings on PostgreSQL's notice", async () => {
    const [one, two] = (await fresh(2)) as [SharedRegistry, SharedRegistry];
    const file = rebuilt(gcc, 40);
    const digest = sha256(file);
    await one.upload(file);
    // The other store has the listing and the file in memory...
    expect(await (await two.fetch("/plugins/gcc_x86_64")).json()).toMatchObject({ total: 1 });
    expect((await two.fetch(`/files/${digest}`)).status).toBe(200);
    const before = two.store.generation;
    expect(
      (await one.fetch(`/files/${digest}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    // ...yet serves the file no more, without waiting for anything,
    expect((await two.fetch(`/files/${digest}`)).status).toBe(404);
    expect((await two.fetch(`/files/${digest}/metadata`)).status).toBe(404);
    // and drops its listings when PostgreSQL tells it of the change.
    while (two.store.generation === before) await Bun.sleep(5);
    expect(await (await two.fetch("/plugins/gcc_x86_64")).json()).toMatchObject({ plugins: [], total: 0 });
  });

  test("an object nobody lists is never served; a listed file whose object is missing or altered is reported, not served", async () => {
    const [registry] = (await fresh(1)) as [SharedRegistry];
    const orphan = rebuilt(gcc, 50);
    const client = new Bun.S3Client(engines().s3.options);
    await client.write(`${sha256(orphan)}.plugin`, orphan);
    expect((await registry.fetch(`/files/${sha256(orphan)}`)).status).toBe(404);

    const lost = rebuilt(gcc, 51);
    await registry.upload(lost);
    await client.delete(`${sha256(lost)}.plugin`);
    const missing = await registry.fetch(`/files/${sha256(lost)}`, { headers: { accept: "application/json" } });
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({ error: { code: "damaged" } });
    expect(registry.logs.join("\n")).toContain(`cannot serve ${sha256(lost)}: its object is missing from the bucket`);

    const altered = rebuilt(gcc, 52);
    await registry.upload(altered);
    await client.write(`${sha256(altered)}.plugin`, rebuilt(gcc, 53));
    expect((await registry.fetch(`/files/${sha256(altered)}`)).status).toBe(500);
    expect(registry.logs.join("\n")).toContain("its object's content does not match its digest");
  });

  test("redirects downloads to a presigned URL when told to; a file no longer listed is a 404, not a URL", async () => {
    const found = engines();
    const registry = await sharedRegistry(found, await found.database(), keyPair(), { redirectSeconds: 60 });
    opened.push(registry);
    const file = rebuilt(gcc, 80);
    const digest = sha256(file);
    await registry.upload(file);
    const redirect = await registry.fetch(`/files/${digest}`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("cache-control")).toBe("no-store");
    const location = redirect.headers.get("location") ?? "";
    expect(location.startsWith(found.s3.options.endpoint ?? "?")).toBe(true);
    const fromBucket = await fetch(location);
    expect(sha256(new Uint8Array(await fromBucket.arrayBuffer()))).toBe(digest);
    await registry.fetch(`/files/${digest}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await registry.fetch(`/files/${digest}`)).status).toBe(404);
  });

  test("migrations are applied once, under a lock, by servers starting together", async () => {
    const found = engines();
    const url = await found.database();
    const receiveIn = mkdtempSync(join(tmpdir(), "memflow-ts-migrations-"));
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        SharedStore.open({ databaseUrl: url, blobs: new S3Blobs(found.s3.options), receiveIn }),
      ),
    );
    for (const store of stores) await store.close();
    rmSync(receiveIn, { recursive: true, force: true });
    const sql = new SQL(url);
    try {
      expect(await sql`SELECT version FROM memflow_ts_migrations ORDER BY version`).toEqual([{ version: 1 }]);
    } finally {
      await sql.close();
    }
  });
});

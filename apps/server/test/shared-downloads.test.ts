/**
 * Downloads in the shared mode stream from the bucket (a real s3rver, a real PostgreSQL): whole,
 * by range, with the digest as ETag, and never once the object changed behind the index's back.
 * The file is larger than the HTTP layer keeps in memory, so every request reaches the bucket.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createdAtNow } from "@memflow-ts/core/plugin-files";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { analyzeUpload } from "../src/storage/upload-analysis.ts";
import { fixture, rebuilt, sha256 } from "./helpers.ts";
import { SHARED_ENGINES_AVAILABLE, type SharedRegistry, sharedEngines, sharedRegistry } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const engines = sharedEngines();
const opened: SharedRegistry[] = [];
afterEach(async () => {
  for (const registry of opened.splice(0)) await registry.close();
});

/** Over a quarter of the file cache's 128 MiB: streamed on every request, never kept. */
const LARGE = 40 * 1024 * 1024;

/** A registry on a new database holding one large plugin (stored as the mirror stores: uploads stop at 20 MiB). */
async function withLargePlugin(): Promise<{ registry: SharedRegistry; file: Uint8Array; digest: string }> {
  const registry = await sharedRegistry(engines(), await engines().database());
  opened.push(registry);
  const file = rebuilt(fixture("elf/x86_64-gcc.so"), LARGE);
  const digest = sha256(file);
  const meta = {
    digest,
    signature: registry.keys.sign(file),
    created_at: createdAtNow().text,
    descriptors: analyzeUpload(file, "", undefined),
  };
  expect(await registry.store.adopt(file, meta)).toBe("Added");
  return { registry, file, digest };
}

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("shared downloads", () => {
  test("stream the whole object, a range of it, and answer If-None-Match with 304", async () => {
    const { registry, file, digest } = await withLargePlugin();
    for (let round = 0; round < 2; round += 1) {
      const whole = await registry.fetch(`/files/${digest}`);
      expect(whole.status).toBe(200);
      expect(whole.headers.get("etag")).toBe(`"${digest}"`);
      expect(whole.headers.get("content-length")).toBe(String(file.byteLength));
      expect(sha256(await whole.bytes())).toBe(digest);
    }
    const part = await registry.fetch(`/files/${digest}`, { headers: { range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${file.byteLength}`);
    expect(await part.bytes()).toEqual(file.slice(1000, 2000));
    const tail = await registry.fetch(`/files/${digest}`, { headers: { range: "bytes=-10" } });
    expect(await tail.bytes()).toEqual(file.slice(-10));
    const cached = await registry.fetch(`/files/${digest}`, { headers: { "if-none-match": `"${digest}"` } });
    expect(cached.status).toBe(304);
  });

  test("an object altered after it was verified is refused as damaged, not streamed", async () => {
    const { registry, file, digest } = await withLargePlugin();
    expect(sha256(await (await registry.fetch(`/files/${digest}`)).bytes())).toBe(digest);

    // Same size, other bytes: only the hash (and the ETag it changes) tells them apart.
    const forged = file.slice();
    forged[forged.length - 1] = 0x00;
    await new Bun.S3Client(engines().s3.options).write(`${digest}.plugin`, forged);
    await engines().s3.written(`${digest}.plugin`, forged.byteLength);
    for (const range of [undefined, "bytes=0-99"]) {
      const response = await registry.fetch(`/files/${digest}`, {
        headers: { accept: "application/json", ...(range === undefined ? {} : { range }) },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: "damaged" } });
    }
    expect(registry.logs.join("\n")).toContain(
      `cannot serve ${digest}: its object's content does not match its digest`,
    );

    // Put back: served again (a failed check is not remembered).
    await new Bun.S3Client(engines().s3.options).write(`${digest}.plugin`, file);
    await engines().s3.written(`${digest}.plugin`, file.byteLength);
    expect(sha256(await (await registry.fetch(`/files/${digest}`)).bytes())).toBe(digest);
  });
});

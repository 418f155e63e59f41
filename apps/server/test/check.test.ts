/**
 * `memflow-ts-server check` (the real executable) on both stores, and `/health`'s JSON counts:
 * a listed file whose bytes are missing, altered or signed by no trusted key is named, with exit
 * code 1; a consistent store exits 0; files no index row lists are counted, never served.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { fixture, healthWithCounts, keyPair, rebuilt, registry, sha256 } from "./helpers.ts";
import { runCommand } from "./server-child.ts";
import { SHARED_ENGINES_AVAILABLE, type SharedRegistry, sharedEngines, sharedRegistry } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const gcc = fixture("elf/x86_64-gcc.so");
const folders: string[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Runs `memflow-ts-server check` with only `env`; its exit code and output. */
const check = (cwd: string, env: Record<string, string>) => runCommand(cwd, ["check"], env);

function publicKeyFile(cwd: string, pem: string): string {
  writeFileSync(join(cwd, "key.pem"), pem);
  return "key.pem";
}

describe("check on the embedded folder", () => {
  test("names a file whose content was altered and one signed by no trusted key; exits 0 once they are gone", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "memflow-ts-check-"));
    folders.push(cwd);
    const root = join(cwd, "plugins");
    const r = registry({ root });
    const [good, altered] = [rebuilt(gcc, 1), rebuilt(gcc, 2)];
    for (const file of [good, altered]) expect(await (await r.upload(file)).json()).toBe("Added");
    r.store.close();
    const env = { MEMFLOW_STORAGE_ROOT: "plugins", MEMFLOW_PUBLIC_KEY_FILE: publicKeyFile(cwd, r.keys.publicPem) };
    expect(await check(cwd, env)).toMatchObject({ code: 0 });
    const bytes = rebuilt(gcc, 2);
    bytes[bytes.byteLength - 1] = 0x00;
    writeFileSync(join(root, `${sha256(altered)}.plugin`), bytes);
    const first = await check(cwd, env);
    expect(first.code).toBe(1);
    expect(first.out).toContain(`${sha256(altered)}: its file's content does not match its digest`);
    expect(first.out).not.toContain(`${sha256(good)}:`);
    expect(first.out).toContain("checked 2 listed plugin files (signatures checked; 0 unsigned");

    const otherKey = { ...env, MEMFLOW_PUBLIC_KEY_FILE: publicKeyFile(cwd, keyPair().publicPem) };
    const second = await check(cwd, otherKey);
    expect(second.code).toBe(1);
    expect(second.out).toContain(`${sha256(good)}: its signature is from no trusted key`);
    rmSync(join(cwd, "plugins", `${sha256(good)}.meta`));
    rmSync(join(cwd, "plugins", `${sha256(altered)}.meta`));
    expect(await check(cwd, otherKey)).toMatchObject({ code: 0 });
  });
});

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("check on PostgreSQL and a bucket, and /health's counts", () => {
  const engines = sharedEngines();

  async function shared(): Promise<{ registry: SharedRegistry; env: Record<string, string>; cwd: string }> {
    const url = await engines().database();
    const registry = await sharedRegistry(engines(), url);
    cleanups.push(() => registry.close());
    const cwd = mkdtempSync(join(tmpdir(), "memflow-ts-check-"));
    folders.push(cwd);
    const env = {
      ...engines().s3.env,
      DATABASE_URL: url,
      MEMFLOW_PUBLIC_KEY_FILE: publicKeyFile(cwd, registry.keys.publicPem),
    };
    return { registry, env, cwd };
  }

  test("names a listed file whose object is missing, counts objects nobody lists, exits 0 when consistent", async () => {
    const { registry, env, cwd } = await shared();
    const [kept, lost] = [rebuilt(gcc, 60), rebuilt(gcc, 61)];
    for (const file of [kept, lost]) await registry.upload(file);
    const bucket = new Bun.S3Client(engines().s3.options);
    await bucket.write(`${sha256(rebuilt(gcc, 62))}.plugin`, rebuilt(gcc, 62));
    const consistent = await check(cwd, env);
    expect(consistent.code).toBe(0);
    expect(consistent.out).toContain("0 wrong; 1 stored files no index row lists");

    await bucket.delete(`${sha256(lost)}.plugin`);
    const broken = await check(cwd, env);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`${sha256(lost)}: its file is missing`);
    expect(broken.out).not.toContain(`${sha256(kept)}:`);
  });

  test("--collect-garbage removes stored objects no index row lists, older than it is told, and nothing listed", async () => {
    const { registry, env, cwd } = await shared();
    const listed = rebuilt(gcc, 65);
    const orphan = rebuilt(gcc, 66);
    await registry.upload(listed);
    const bucket = new Bun.S3Client(engines().s3.options);
    await bucket.write(`${sha256(orphan)}.plugin`, orphan);
    const young = await runCommand(cwd, ["check", "--collect-garbage", "60"], env);
    expect(young.out).toContain("removed 0 stored files no index row lists, written over 60 minutes ago");
    expect(await bucket.exists(`${sha256(orphan)}.plugin`)).toBe(true);
    // The object must be older than the cut-off, which is at a second's resolution in S3.
    await Bun.sleep(1100);
    const collected = await runCommand(cwd, ["check", "--collect-garbage", "0"], env);
    expect(collected.code).toBe(0);
    expect(collected.out).toContain(`${sha256(orphan)}: removed, no index row lists it`);
    expect(await bucket.exists(`${sha256(orphan)}.plugin`)).toBe(false);
    expect(await bucket.exists(`${sha256(listed)}.plugin`)).toBe(true);
  });

  test('/health\'s JSON counts listed files whose object is missing; its text for memflowup stays "Ok"', async () => {
    const { registry } = await shared();
    const lost = rebuilt(gcc, 70);
    await registry.upload(lost);
    await new Bun.S3Client(engines().s3.options).delete(`${sha256(lost)}.plugin`);
    expect(await healthWithCounts(registry.fetch)).toEqual({ status: "Ok", indexed: 1, missing_objects: 1 });
    expect(await (await registry.fetch("/health")).text()).toBe('"Ok"');
  });
});

/**
 * Automatic garbage collection in the shared mode, with two real servers (src/main.ts processes)
 * on one PostgreSQL and one bucket sweeping every second: an object no index row lists is removed
 * once it is older than the grace period, by one of them; a young one (an upload in flight) and a
 * listed one stay.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { fixture, keyPair, rebuilt, sha256, uploadInit } from "./helpers.ts";
import { type ServerChild, serversPerTest } from "./server-child.ts";
import { SHARED_ENGINES_AVAILABLE, sharedEngines, sharedServers } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const engines = sharedEngines();
const keys = keyPair();
const gcc = fixture("elf/x86_64-gcc.so");
const tracked = serversPerTest();
const HOUR = 3600;

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("automatic garbage collection", () => {
  test("removes an unlisted object older than the grace, once; keeps a young one and a listed one", async () => {
    const { started } = await sharedServers(engines(), tracked, keys, 2, {
      MEMFLOW_TS_GC_INTERVAL_SECONDS: "1",
      MEMFLOW_TS_GC_GRACE_SECONDS: String(HOUR),
    });
    const servers = started as [ServerChild, ServerChild];
    const client = new Bun.S3Client(engines().s3.options);
    const store = async (file: Uint8Array, ageSeconds: number) => {
      await client.write(`${sha256(file)}.plugin`, file);
      await engines().s3.age(`${sha256(file)}.plugin`, file.byteLength, ageSeconds);
      return sha256(file);
    };

    const listedFile = rebuilt(gcc, 300);
    const added = await fetch(`${servers[0].base}/files`, uploadInit(listedFile, { signature: keys.sign(listedFile) }));
    expect(await added.json()).toBe("Added");
    const listed = await store(listedFile, 2 * HOUR);
    const young = await store(rebuilt(gcc, 301), HOUR / 2);
    const orphan = await store(rebuilt(gcc, 302), 2 * HOUR);

    const removal = new RegExp(`garbage collection: removed 1 objects no index row lists: ${orphan}`);
    await Promise.race(servers.map((server) => server.waitForLog(removal)));
    expect(await client.exists(`${orphan}.plugin`)).toBe(false);
    // Both sweep every second: a few more rounds, which must leave the others alone.
    await Bun.sleep(2500);
    expect(await client.exists(`${young}.plugin`)).toBe(true);
    expect(await client.exists(`${listed}.plugin`)).toBe(true);
    expect(sha256(await (await fetch(`${servers[1].base}/files/${listed}`)).bytes())).toBe(listed);
    // The orphan was removed by one of them, once (the lock keeps their sweeps apart).
    const removals = servers.flatMap((server) => server.logs).filter((line) => line.includes("garbage collection"));
    expect(removals).toHaveLength(1);
  });
});

/**
 * `/health` in the shared mode when PostgreSQL goes away (a real cluster stopped as a crash would
 * stop it, then started again): a 503 a load balancer acts on, with memflow-registry's exact body
 * (memflowup parses it), the reason in the server's log, and "Ok" again once PostgreSQL is back.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { SHARED_ENGINES_AVAILABLE, type SharedRegistry, sharedEngines, sharedRegistry } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const engines = sharedEngines();
let registry: SharedRegistry | undefined;
afterEach(async () => {
  engines().postgres.signal("SIGCONT");
  engines().postgres.resume();
  await registry?.close();
});

/** Asks `/health` until it answers `status` (it answers from memory; PostgreSQL is sampled behind it). */
async function healthOnceItIs(fetch: SharedRegistry["fetch"], status: number): Promise<Response> {
  for (;;) {
    const response = await fetch("/health");
    if (response.status === status) return response;
    await response.body?.cancel();
    await Bun.sleep(100);
  }
}

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("health without PostgreSQL", () => {
  test("503 with memflow-registry's body while PostgreSQL is down, Ok again once it is back", async () => {
    registry = await sharedRegistry(engines(), await engines().database());
    const { fetch } = registry;
    expect(await (await fetch("/health")).text()).toBe('"Ok"');

    engines().postgres.pause();
    const down = await healthOnceItIs(fetch, 503);
    expect(await down.text()).toBe('{"Error":"database unhealthy"}');
    const detail = await fetch("/health", { headers: { accept: "application/json" } });
    expect(detail.status).toBe(503);
    expect(await detail.json()).toMatchObject({ status: { Error: "database unhealthy" } });
    expect(registry.logs.join("\n")).toContain("storage unhealthy: PostgreSQL:");

    engines().postgres.resume();
    expect(await (await healthOnceItIs(fetch, 200)).text()).toBe('"Ok"');
    expect(registry.logs.join("\n")).toContain("storage healthy again: PostgreSQL answers");
  });

  test("503 while PostgreSQL hangs (neither answers nor refuses), Ok again once it answers", async () => {
    registry = await sharedRegistry(engines(), await engines().database());
    const { fetch } = registry;
    expect(await (await fetch("/health")).text()).toBe('"Ok"');

    engines().postgres.signal("SIGSTOP");
    expect(await (await healthOnceItIs(fetch, 503)).text()).toBe('{"Error":"database unhealthy"}');
    expect(registry.logs.join("\n")).toContain("storage unhealthy: PostgreSQL: no answer within 5 s");

    engines().postgres.signal("SIGCONT");
    expect(await (await healthOnceItIs(fetch, 200)).text()).toBe('"Ok"');
  });
});

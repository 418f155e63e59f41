/**
 * The session pool's deadlines with plugins that really hang (gcc-built, see session-support.ts):
 * a plugin stuck in `create` or `read` is killed when its deadline passes, its session fails with
 * a 504 naming it, and its slot is free again; a session nobody uses is closed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionError } from "../src/inventory/session-error.ts";
import { SessionPool, type SessionPoolOptions } from "../src/inventory/session-pool.ts";
import { buildHangingPlugins, processEnded, until } from "./session-support.ts";

const gcc = requireTool("gcc", "gcc");
const folder = mkdtempSync(join(tmpdir(), "memflow-ts-session-deadlines-"));
const pluginDir = join(folder, "plugins");
const pools: SessionPool[] = [];
const allowed = ["dummy", "hangcreate", "hangread"].map((name) => ({ name, write: false }));

/** A pool with short deadlines (long enough for dummy to start on a busy machine); `logs` gets its log. */
function pool(logs: string[], limits: SessionPoolOptions = {}): SessionPool {
  const sessions = new SessionPool(
    { pluginDirectories: [pluginDir] },
    {
      log: (line) => logs.push(line),
      policy: new ChainPolicy(allowed, new PathConfinement([])),
      createTimeoutMs: 1000,
      requestTimeoutMs: 500,
      ...limits,
    },
  );
  pools.push(sessions);
  return sessions;
}

/** The pid the pool logged for the session it opened `nth` (0: the first). */
function workerPid(logs: string[], nth = 0): number {
  const pids = logs.flatMap((line) => /: opening .* \(worker pid (\d+)\)$/.exec(line)?.[1] ?? []);
  const pid = Number(pids[nth]);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

async function failure(promise: Promise<unknown>): Promise<SessionError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

beforeAll(() => {
  if (!gcc.available) return;
  buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir: pluginDir });
  buildHangingPlugins(pluginDir, join(folder, "sources"));
});
afterAll(() => {
  for (const sessions of pools) sessions.closeAll();
  rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!gcc.available)("session deadlines", () => {
  test("a plugin that hangs in create is killed at the deadline, the session fails naming it, its slot is free", async () => {
    const logs: string[] = [];
    const sessions = pool(logs, { maxSessions: 1 });
    const error = await failure(sessions.open(["-c", "hangcreate"]));
    expect(error.reason).toBe("timed-out");
    expect(error.message).toBe(
      "the plugin hangcreate did not finish create within 1000 ms: its session process was killed",
    );
    expect(sessions.size).toBe(0);
    const pid = workerPid(logs);
    await until(() => processEnded(pid), `worker ${pid} to end`);
    expect(logs).toContainEqual(expect.stringMatching(/: ended: the plugin hangcreate did not finish create/));
    // The only slot is free again.
    const { id } = await sessions.open(["-c", "dummy"]);
    await sessions.close(id);
  });

  test("a plugin that hangs in read is killed at the deadline; the session is gone and a new one opens", async () => {
    const logs: string[] = [];
    const sessions = pool(logs, { maxSessions: 1 });
    const { id } = await sessions.open(["-c", "hangread"]);
    const error = await failure(sessions.read(id, 0n, 8));
    expect(error.reason).toBe("timed-out");
    expect(error.message).toBe("the plugin hangread did not finish read within 500 ms: its session process was killed");
    expect(logs).toContain(`session ${id}: plugin output: hanging in read`);
    await until(() => processEnded(workerPid(logs)), "the worker to end");
    expect((await failure(sessions.metadata(id))).reason).toBe("not-found");
    const next = await sessions.open(["-c", "dummy"]);
    await sessions.close(next.id);
  });

  test("an operator closes a session whose read hangs at once, without waiting for the deadline", async () => {
    const logs: string[] = [];
    const sessions = pool(logs, { requestTimeoutMs: 60_000 });
    const { id } = await sessions.open(["-c", "hangread"]);
    const read = failure(sessions.read(id, 0n, 8));
    await until(() => logs.includes(`session ${id}: plugin output: hanging in read`), "the read to hang");
    expect(sessions.list().map((session) => session.id)).toEqual([id]);
    await sessions.close(id);
    expect((await read).message).toBe("closed on request");
    expect(sessions.list()).toEqual([]);
    await until(() => processEnded(workerPid(logs)), "the worker to end");
  });

  test("a session nobody uses is closed after the idle time; one in use is not", async () => {
    const logs: string[] = [];
    const sessions = pool(logs, { idleTimeoutMs: 200 });
    const { id } = await sessions.open(["-c", "dummy"]);
    await until(() => sessions.size === 0, "the idle session to be closed");
    expect(logs).toContain(`session ${id}: ended: closed after 200 ms unused`);
    await until(() => processEnded(workerPid(logs)), "the worker to end");

    const busy = pool(logs, { idleTimeoutMs: 100, requestTimeoutMs: 60_000 });
    const hung = await busy.open(["-c", "hangread"]);
    const read = failure(busy.read(hung.id, 0n, 8));
    await until(() => logs.includes(`session ${hung.id}: plugin output: hanging in read`), "the read to hang");
    // Three idle times pass while the read is in flight: the idle clock stands still meanwhile.
    await Bun.sleep(300);
    expect(busy.list().map((session) => session.id)).toEqual([hung.id]);
    await busy.close(hung.id);
    await read;
  });
});

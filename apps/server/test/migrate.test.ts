/**
 * `memflow-ts-server migrate` (the real executable) between an embedded folder and PostgreSQL + a
 * bucket, both ways: every plugin arrives with its metadata as stored (signature, upload time),
 * `check` passes on the target, a second run copies nothing, and a damaged source file is named
 * and left behind.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { PROCESS_TEST_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { TmuxTerminal } from "../../../tooling/testing/tmux.ts";
import { fixture, rebuilt, registry, sha256 } from "./helpers.ts";
import { MAIN, runCommand, serversPerTest } from "./server-child.ts";
import { SHARED_ENGINES_AVAILABLE, sharedEngines, sharedRegistry } from "./shared-support.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT);

const gcc = fixture("elf/x86_64-gcc.so");
const folders = serversPerTest();

const tmux = requireTool("tmux", "tmux");

test.skipIf(!tmux.available)("migrate draws its progress on a terminal, between two folders too", async () => {
  const cwd = folders.folder();
  const embedded = registry({ root: join(cwd, "plugins") });
  for (const n of [320, 321, 322, 323]) await embedded.upload(rebuilt(gcc, n));
  embedded.store.close();
  const terminal = TmuxTerminal.start({
    command: `${process.execPath} ${MAIN} migrate --from plugins --to copy`,
    cwd,
    env: { PATH: process.env.PATH ?? "" },
  });
  try {
    expect(await terminal.exitCode(PROCESS_TEST_TIMEOUT)).toBe(0);
    const screen = terminal.screen();
    expect(screen).toContain(`[${"#".repeat(30)}] 4/4`);
    expect(screen).toContain("copied 4 plugin files; 0 were there already; 0 not copied");
  } finally {
    terminal.kill();
  }
});

describe.skipIf(!SHARED_ENGINES_AVAILABLE)("migrate", () => {
  const engines = sharedEngines();

  test("copies a folder to PostgreSQL + the bucket and back, metadata as stored; a second run copies nothing", async () => {
    const cwd = folders.folder();
    const embedded = registry({ root: join(cwd, "plugins") });
    const files = [300, 301, 302].map((n) => rebuilt(gcc, n));
    for (const file of files) expect(await (await embedded.upload(file)).json()).toBe("Added");
    const listing = async (fetcher: (path: string) => Promise<Response>) =>
      ((await (await fetcher("/plugins/gcc_x86_64?limit=50")).json()) as { plugins: unknown[] }).plugins;
    const original = await listing(embedded.fetch);
    embedded.store.close();
    writeFileSync(join(cwd, "key.pem"), embedded.keys.publicPem);
    const env = { ...engines().s3.env, DATABASE_URL: await engines().database(), MEMFLOW_PUBLIC_KEY_FILE: "key.pem" };

    const there = await runCommand(cwd, ["migrate", "--from", "plugins", "--to", "postgres"], env);
    expect(there).toMatchObject({ code: 0 });
    expect(there.out).toContain("copied 3 plugin files; 0 were there already; 0 not copied");
    expect(await runCommand(cwd, ["check"], env)).toMatchObject({ code: 0 });
    const shared = await sharedRegistry(engines(), env.DATABASE_URL, embedded.keys);
    try {
      expect(await listing(shared.fetch)).toEqual(original);
    } finally {
      await shared.close();
    }
    const again = await runCommand(cwd, ["migrate", "--from", "plugins", "--to", "postgres"], env);
    expect(again.out).toContain("copied 0 plugin files; 3 were there already");

    const back = await runCommand(cwd, ["migrate", "--from", "postgres", "--to", "copy"], env);
    expect(back.out).toContain("copied 3 plugin files; 0 were there already; 0 not copied");
    expect(
      await runCommand(cwd, ["check"], { MEMFLOW_STORAGE_ROOT: "copy", MEMFLOW_PUBLIC_KEY_FILE: "key.pem" }),
    ).toMatchObject({
      code: 0,
    });
    const copy = registry({ root: join(cwd, "copy"), keys: embedded.keys });
    try {
      expect(await listing(copy.fetch)).toEqual(original);
    } finally {
      copy.store.close();
    }
  });

  test("resumes where a run stopped, and names a file it cannot copy", async () => {
    const cwd = folders.folder();
    const embedded = registry({ root: join(cwd, "plugins") });
    const [first, second, damaged] = [310, 311, 312].map((n) => rebuilt(gcc, n)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    for (const file of [first, second, damaged]) await embedded.upload(file);
    embedded.store.close();
    const env = { ...engines().s3.env, DATABASE_URL: await engines().database() };
    // An earlier run got as far as the first file.
    const shared = await sharedRegistry(engines(), env.DATABASE_URL, embedded.keys);
    await shared.upload(first);
    await shared.close();
    writeFileSync(join(cwd, "plugins", `${sha256(damaged)}.plugin`), rebuilt(gcc, 313));

    const run = await runCommand(cwd, ["migrate", "--from", "plugins", "--to", "postgres"], env);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`${sha256(damaged)}: not copied: its file's content does not match its digest`);
    expect(run.out).toContain("copied 1 plugin files; 1 were there already; 1 not copied");
  });

  test("refuses to run without two stores, or without the shared storage's settings", async () => {
    const cwd = folders.folder();
    expect((await runCommand(cwd, ["migrate", "--from", "plugins"], {})).out).toContain("give --from and --to");
    expect((await runCommand(cwd, ["migrate", "--from", "plugins", "--to", "postgres"], {})).out).toContain(
      "set DATABASE_URL and S3_BUCKET",
    );
  });
});

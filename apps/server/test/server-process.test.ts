/**
 * The real executable on 127.0.0.1: start-up checks, `.env`, and a crash in the middle of
 * uploads (SIGKILL), after which the restarted server's index must match its files.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { fixture, rebuilt, sha256 } from "./helpers.ts";

const MAIN = join(import.meta.dir, "../src/main.ts");
const folders: string[] = [];
const processes: Subprocess[] = [];
afterEach(() => {
  for (const child of processes.splice(0)) child.kill("SIGKILL");
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), "memflow-ts-server-"));
  folders.push(path);
  return path;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  return { ...env, ...extra };
}

/** Starts the server and resolves with its base URL once it prints where it listens. */
async function start(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd,
    env: cleanEnv(env),
    stdout: "pipe",
    stderr: "pipe",
  });
  processes.push(child);
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server exited: ${await new Response(child.stderr).text()}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const match = /listening on (http:\/\/\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`unexpected output: ${text}`);
  return match[1];
}

describe("memflow-ts-server", () => {
  test("refuses to start without a key and token, and says how to fix it", async () => {
    const child = Bun.spawn([process.execPath, MAIN], { cwd: folder(), env: cleanEnv({}), stderr: "pipe" });
    expect(await child.exited).toBe(2);
    const stderr = await new Response(child.stderr).text();
    expect(stderr).toContain("refusing to start an open registry");
    expect(stderr).toContain("--insecure");
  });

  test("reads .env from its working folder and serves on loopback", async () => {
    const cwd = folder();
    writeFileSync(join(cwd, ".env"), "MEMFLOW_ADDR=127.0.0.1:0\nMEMFLOW_STORAGE_ROOT=plugins\n");
    const base = await start(cwd, ["--insecure"]);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${base}/health`)).json()).toBe("Ok");
    expect(readdirSync(join(cwd, "plugins"))).toContain(".memflow-ts-index.sqlite");
  });

  test("a second server on the same storage folder is refused with exit code 3, naming the first", async () => {
    const cwd = folder();
    const env = { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_STORAGE_ROOT: "plugins" };
    await start(cwd, ["--insecure"], env);
    const second = Bun.spawn([process.execPath, MAIN, "--insecure"], { cwd, env: cleanEnv(env), stderr: "pipe" });
    processes.push(second);
    expect(await second.exited).toBe(3);
    const stderr = await new Response(second.stderr).text();
    expect(stderr).toContain(`is in use by another memflow-ts-server (pid ${processes[0]?.pid}, since `);
    expect(stderr).toContain("run one server per folder");
  });

  test("after SIGKILL during uploads, the restarted server lists only complete files", async () => {
    const cwd = folder();
    const env = { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_STORAGE_ROOT: "plugins", MEMFLOW_BEARER_TOKEN: "t" };
    const base = await start(cwd, ["--insecure"], env);
    const gcc = fixture("elf/x86_64-gcc.so");
    // Files of a few MiB keep the server writing when the kill lands.
    const files = Array.from({ length: 24 }, (_, n) => rebuilt(gcc, 3 * 1024 * 1024 + n));
    const uploads = files.map((file) => {
      const form = new FormData();
      form.append("file", new Blob([file]));
      form.append("signature", "00");
      return fetch(`${base}/files`, { method: "POST", body: form, headers: { authorization: "Bearer t" } })
        .then((response) => response.status)
        .catch(() => "cut");
    });
    await Bun.sleep(150);
    processes[0]?.kill("SIGKILL");
    await processes[0]?.exited;
    const statuses = await Promise.all(uploads);
    expect(statuses).toContain("cut");

    const restarted = await start(cwd, ["--insecure"], env);
    const listing = (await (await fetch(`${restarted}/plugins/gcc-x86_64?limit=50`)).json()) as {
      plugins: { digest: string }[];
      total: number;
    };
    const names = readdirSync(join(cwd, "plugins"));
    const onDisk = names.filter((name) => name.endsWith(".plugin")).map((name) => name.slice(0, 64));
    expect(names.filter((name) => name.startsWith(".incoming-"))).toEqual([]);
    expect(listing.total).toBe(onDisk.length);
    for (const { digest } of listing.plugins) {
      expect(onDisk).toContain(digest);
      expect(sha256(readFileSync(join(cwd, "plugins", `${digest}.plugin`)))).toBe(digest);
    }
    // Uploads that were answered "Added" before the kill survived it.
    expect(listing.total).toBeGreaterThanOrEqual(statuses.filter((status) => status === 200).length);
  });
});

/**
 * The real executable on 127.0.0.1: start-up checks, `.env`, and a crash in the middle of
 * uploads (SIGKILL), after which the restarted server's index must match its files.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { INCOMING_FOLDER } from "../src/storage/storage-layout.ts";
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

interface Started {
  url: string;
  child: Subprocess<"ignore", "pipe", "pipe">;
  /** Resolves once the server's log (stderr) has a line containing `text`. */
  logged(text: string): Promise<void>;
}

/** Follows a child's stderr line by line, for `logged`; nothing waits on a clock. */
function followLog(stderr: ReadableStream<Uint8Array>): Started["logged"] {
  const lines: string[] = [];
  const waiting = new Set<{ text: string; found: () => void }>();
  (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stderr) {
      const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        for (const waiter of waiting) {
          if (!line.includes(waiter.text)) continue;
          waiting.delete(waiter);
          waiter.found();
        }
      }
    }
  })();
  return (text) =>
    lines.some((line) => line.includes(text))
      ? Promise.resolve()
      : new Promise((found) => waiting.add({ text, found }));
}

/** Starts the server and resolves once it prints where it listens. */
async function start(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd,
    env: cleanEnv(env),
    stdout: "pipe",
    stderr: "pipe",
  });
  processes.push(child);
  const logged = followLog(child.stderr);
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server exited with ${await child.exited}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const match = /listening on (http:\/\/\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`unexpected output: ${text}`);
  return { url: match[1], child, logged };
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
    const { url: base } = await start(cwd, ["--insecure"]);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${base}/health`)).json()).toBe("Ok");
    expect(readdirSync(join(cwd, "plugins"))).toContain(".memflow-ts-index.sqlite");
  });

  test("a second server on the same storage folder is refused with exit code 3, naming the first", async () => {
    const cwd = folder();
    const env = { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_STORAGE_ROOT: "plugins" };
    const first = await start(cwd, ["--insecure"], env);
    const second = Bun.spawn([process.execPath, MAIN, "--insecure"], { cwd, env: cleanEnv(env), stderr: "pipe" });
    processes.push(second);
    expect(await second.exited).toBe(3);
    const stderr = await new Response(second.stderr).text();
    expect(stderr).toContain(`is in use by another memflow-ts-server (pid ${first.child.pid}, since `);
    expect(stderr).toContain("run one server per folder");
  });

  test("after SIGKILL during uploads, the restarted server lists only complete files", async () => {
    const cwd = folder();
    const env = { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_STORAGE_ROOT: "plugins", MEMFLOW_BEARER_TOKEN: "t" };
    const server = await start(cwd, ["--insecure"], env);
    const gcc = fixture("elf/x86_64-gcc.so");
    const post = (body: FormData | ReadableStream<Uint8Array>, type?: string) =>
      fetch(`${server.url}/files`, {
        method: "POST",
        body,
        headers: { authorization: "Bearer t", ...(type ? { "content-type": type } : {}) },
      })
        .then((response) => response.status)
        .catch(() => "cut" as const);
    const complete = Array.from({ length: 6 }, (_, n) => {
      const form = new FormData();
      form.append("file", new Blob([rebuilt(gcc, 1024 * 1024 + n)]));
      form.append("signature", "00");
      return post(form);
    });
    // One upload stops half way, so the kill always lands in the middle of one.
    const head = `--cut\r\nContent-Disposition: form-data; name="signature"\r\n\r\n00\r\n--cut\r\nContent-Disposition: form-data; name="file"\r\n\r\n`;
    const halfWay = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        controller.enqueue(gcc.subarray(0, gcc.byteLength / 2));
      },
    });
    const cut = post(halfWay, "multipart/form-data; boundary=cut");
    // Some upload is stored, and the server is receiving others (the half-way one never ends).
    await server.logged("upload: Added");
    await receiving(join(cwd, "plugins", INCOMING_FOLDER));
    server.child.kill("SIGKILL");
    await server.child.exited;
    const statuses = await Promise.all(complete);
    expect(await cut).toBe("cut");

    const restarted = await start(cwd, ["--insecure"], env);
    const listing = (await (await fetch(`${restarted.url}/plugins/gcc_x86_64?limit=50`)).json()) as {
      plugins: { digest: string }[];
      total: number;
    };
    const names = readdirSync(join(cwd, "plugins"));
    const onDisk = names.filter((name) => name.endsWith(".plugin")).map((name) => name.slice(0, 64));
    expect(names.filter((name) => name.startsWith(".incoming-"))).toEqual([]);
    expect(readdirSync(join(cwd, "plugins", INCOMING_FOLDER))).toEqual([]);
    expect(listing.total).toBe(onDisk.length);
    for (const { digest } of listing.plugins) {
      expect(onDisk).toContain(digest);
      expect(sha256(readFileSync(join(cwd, "plugins", `${digest}.plugin`)))).toBe(digest);
    }
    // Uploads that were answered "Added" before the kill survived it.
    expect(listing.total).toBeGreaterThanOrEqual(statuses.filter((status) => status === 200).length);
    expect(listing.total).toBeGreaterThanOrEqual(1);
  });
});

/** Resolves once a file with some bytes in it is in `folder` (an upload being received). */
async function receiving(folder: string): Promise<void> {
  const watcher = watch(folder);
  // A file may be renamed into place between the listing and its stat: the upload finished.
  const hasBytes = () =>
    readdirSync(folder).some((name) => (statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0) > 0);
  try {
    while (!hasBytes()) await new Promise((changed) => watcher.once("change", changed));
  } finally {
    watcher.close();
  }
}

/**
 * What makes an upload to the embedded store durable, counted on the real executable under strace
 * (Debian package strace): exactly two fsyncs of the storage folder's files per upload, the
 * received `.plugin` and the folder, and the index's own commit of the `.meta`'s text besides
 * (decision 0023). strace -f -y names the file each fsync flushed.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { INCOMING_FOLDER, INDEX_FILE_NAME } from "../src/storage/storage-layout.ts";
import { fixture, rebuilt } from "./helpers.ts";
import { serversPerTest } from "./server-child.ts";

const strace = requireTool("strace", "strace");
const servers = serversPerTest();
const UPLOADS = 3;

/** The path each fsync or fdatasync of an `strace -f -y` log flushed (a call split across threads counts once). */
function fsyncedPaths(log: string): string[] {
  const paths: string[] = [];
  for (const line of log.split("\n")) {
    const match = /\b(?:fsync|fdatasync)\(\d+<([^>]*)>/.exec(line);
    if (match?.[1] !== undefined) paths.push(match[1]);
  }
  return paths;
}

/** The pid of the one child of `pid` (the server strace runs). */
function onlyChild(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim());
}

describe.if(strace.available)("fsyncs per upload to the embedded store", () => {
  test("two of the storage folder's files (the .plugin, the folder) and the index's commit", async () => {
    const cwd = servers.folder();
    const log = join(cwd, "strace.log");
    const env = { MEMFLOW_ADDR: "127.0.0.1:0", MEMFLOW_STORAGE_ROOT: "plugins", MEMFLOW_BEARER_TOKEN: "t" };
    const wrapper = ["strace", "-f", "-y", "-e", "trace=fsync,fdatasync", "-o", log];
    const server = await servers.start(cwd, ["--insecure"], env, wrapper);
    const gcc = fixture("elf/x86_64-gcc.so");
    // One upload more than counted: the first also opens the upload worker's connection to the index,
    // and SQLite flushes the folder the first time a connection flushes its WAL (the index's own).
    for (let n = 0; n <= UPLOADS; n += 1) {
      const form = new FormData();
      form.append("file", new Blob([rebuilt(gcc, 4096 + n)]));
      form.append("signature", "00");
      const response = await fetch(`${server.base}/files`, {
        method: "POST",
        body: form,
        headers: { authorization: "Bearer t" },
      });
      expect(await response.json()).toBe("Added");
    }
    // A clean stop, so strace has written every call before the log is read.
    process.kill(onlyChild(server.child.pid), "SIGTERM");
    expect(await server.child.exited).toBe(0);

    const root = join(cwd, "plugins");
    const incoming = join(root, INCOMING_FOLDER, "/");
    const logged = fsyncedPaths(readFileSync(log, "utf8"));
    // From the second upload's received file on: start-up's and the first upload's left out.
    const received = logged.flatMap((path, at) => (path.startsWith(incoming) ? [at] : []));
    expect(received).toHaveLength(UPLOADS + 1);
    const paths = logged.slice(received[1]);
    const index = paths.filter((path) => path.startsWith(join(root, INDEX_FILE_NAME)));
    const storage = paths.filter((path) => path.startsWith(root) && !index.includes(path));
    // Per upload: its received file (renamed to the `.plugin` after), and the folder once for both names.
    expect(storage.filter((path) => path.startsWith(incoming))).toHaveLength(UPLOADS);
    expect(storage.filter((path) => path === root)).toHaveLength(UPLOADS);
    expect(storage).toHaveLength(2 * UPLOADS);
    // The index commits each upload's `.meta` text durably: its WAL flushed at least once an upload.
    expect(index.length).toBeGreaterThanOrEqual(UPLOADS);
  });
});

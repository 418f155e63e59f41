import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPrintable } from "@memflow-ts/core/plugin-files";
import { PluginIndex } from "../src/storage/plugin-index.ts";
import { INDEX_FILE_NAME, PluginStore } from "../src/storage/plugin-store.ts";
import { StorageInUseError } from "../src/storage/storage-lock.ts";
import { fixture, rawFixture, rebuilt, registry, sha256 } from "./helpers.ts";

const VOLUME = join(import.meta.dir, "fixtures/memflow-registry-volume");
const ANALYZER_FIXTURES = join(import.meta.dir, "../../../packages/analyzer/test/fixtures");
const GCC = "61da62de743f356175d7d77c86aefbafd10e23f7cbb77b2ae570193ebfb728b7";
const AARCH64 = "3dbc25c93641a2548595b2f8bea098e385ce606f64e39561aae8ac3371507f81";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A copy of the memflow-registry volume fixture with its plugin files in place. */
function volume(): string {
  const root = mkdtempSync(join(tmpdir(), "memflow-ts-volume-"));
  folders.push(root);
  for (const name of readdirSync(VOLUME))
    if (name.endsWith(".meta")) copyFileSync(join(VOLUME, name), join(root, name));
  copyFileSync(join(ANALYZER_FIXTURES, "elf/x86_64-gcc.so"), join(root, `${GCC}.plugin`));
  copyFileSync(join(ANALYZER_FIXTURES, "elf/aarch64-gcc.so"), join(root, `${AARCH64}.plugin`));
  return root;
}

describe("a memflow-registry storage volume", () => {
  test("is served as is, without the .meta its delete left behind", () => {
    const root = volume();
    const store = new PluginStore(root);
    expect(store.startup).toEqual({ indexed: 2, parsed: 2, dropped: 1, removedPartial: 0, imported: 0, restored: 0 });
    expect(store.names().map((entry) => entry.name)).toEqual(["gcc-aarch64", "gcc-x86_64"]);
    const { plugins } = store.find("gcc-x86_64", {});
    expect(plugins[0]?.created_at).toBe("2024-03-22T18:14:53.402258600");
    expect(plugins[0]?.digest).toBe(GCC);
    expect(store.has("e".repeat(64))).toBe(false);
    // The .meta files are untouched: memflow-registry can still serve the folder.
    expect(readdirSync(root).sort()).toContain(`${"e".repeat(64)}.meta`);
    store.close();
  });

  test("a restart reads no .meta it has already indexed; a changed one is read again", () => {
    const root = volume();
    new PluginStore(root).close();
    const second = new PluginStore(root);
    expect(second.startup.parsed).toBe(0);
    expect(second.startup.indexed).toBe(2);
    second.close();
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, `${GCC}.meta`), later, later);
    const third = new PluginStore(root);
    expect(third.startup.parsed).toBe(1);
    third.close();
  });

  test("the index is rebuilt when it is missing, and plugin files removed behind its back drop out", () => {
    const root = volume();
    new PluginStore(root).close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(root, INDEX_FILE_NAME + suffix), { force: true });
    rmSync(join(root, `${AARCH64}.plugin`));
    const store = new PluginStore(root);
    expect(store.startup.parsed).toBe(1);
    expect(store.names().map((entry) => entry.name)).toEqual(["gcc-x86_64"]);
    store.close();
  });

  test("a .meta that is not valid is skipped with a warning, not a failed start", () => {
    const root = volume();
    writeFileSync(join(root, `${GCC}.meta`), "{ not json");
    const warnings: string[] = [];
    const store = new PluginStore(root, { warn: (line) => warnings.push(line) });
    expect(store.names().map((entry) => entry.name)).toEqual(["gcc-aarch64"]);
    expect(warnings.join("\n")).toMatch(new RegExp(`ignoring ${GCC}\\.meta is not valid JSON`));
    store.close();
  });
});

test("a .meta the file system will not read (a folder of that name) is skipped too", () => {
  const root = volume();
  rmSync(join(root, `${GCC}.meta`));
  mkdirSync(join(root, `${GCC}.meta`));
  const warnings: string[] = [];
  const store = new PluginStore(root, { warn: (line) => warnings.push(line) });
  expect(store.names().map((entry) => entry.name)).toEqual(["gcc-aarch64"]);
  expect(warnings.join("\n")).toContain(`ignoring ${GCC}.meta: EISDIR`);
  store.close();
});

/** The volume with one more plugin file, which has no .meta beside it. */
function volumeWithOrphan(): { root: string; digest: string } {
  const root = volume();
  const orphan = fixture("elf/i686-gcc.so");
  const digest = sha256(orphan);
  writeFileSync(join(root, `${digest}.plugin`), orphan);
  return { root, digest };
}

describe("a .plugin without its .meta", () => {
  test("is imported: its own descriptors, created_at from its mtime, no signature, and a warning", () => {
    const { root, digest } = volumeWithOrphan();
    const mtime = new Date("2024-05-06T07:08:09.250Z");
    utimesSync(join(root, `${digest}.plugin`), mtime, mtime);
    const warnings: string[] = [];
    const store = new PluginStore(root, { warn: (line) => warnings.push(line) });
    expect(store.startup).toMatchObject({ imported: 1, indexed: 3, removedPartial: 0 });
    const [variant] = store.find("gcc_i686", {}).plugins;
    expect(variant).toMatchObject({ digest, signature: "", created_at: "2024-05-06T07:08:09.250" });
    expect(variant?.descriptor).toMatchObject({ name: "gcc_i686", architecture: "x86", file_type: "elf" });
    const meta = JSON.parse(readFileSync(join(root, `${digest}.meta`), "utf8"));
    expect(meta).toMatchObject({ digest, signature: "", created_at: "2024-05-06T07:08:09.250" });
    expect(warnings.join("\n")).toContain(`imported ${digest}.plugin, which had no .meta: gcc_i686 0.5.0`);
    store.close();
    // The next start finds an ordinary entry.
    const again = new PluginStore(root);
    expect(again.startup).toMatchObject({ imported: 0, indexed: 3, parsed: 0 });
    again.close();
  });

  test("is left in place, with a warning, when its content is not what its name says or is no plugin", () => {
    const root = volume();
    const partial = fixture("elf/i686-gcc.so");
    const wrongName = `${sha256(partial)}.plugin`;
    writeFileSync(join(root, wrongName), partial.subarray(0, 100));
    const plain = fixture("elf/x86_64-no-descriptor.so");
    const noPlugin = `${sha256(plain)}.plugin`;
    writeFileSync(join(root, noPlugin), plain);
    const warnings: string[] = [];
    const store = new PluginStore(root, { warn: (line) => warnings.push(line) });
    expect(store.startup).toMatchObject({ imported: 0, dropped: 3, indexed: 2 });
    expect(existsSync(join(root, wrongName))).toBe(true);
    expect(existsSync(join(root, noPlugin))).toBe(true);
    expect(warnings.join("\n")).toContain(`leaving ${wrongName} alone`);
    expect(warnings.join("\n")).toMatch(new RegExp(`leaving ${noPlugin} alone .*no memflow plugin descriptor`));
    store.close();
  });

  test("is left in place when its plugin's name breaks the rule uploads follow (it could not be pulled)", () => {
    const root = volume();
    const dashed = rawFixture("elf/i686-gcc.so");
    const name = `${sha256(dashed)}.plugin`;
    writeFileSync(join(root, name), dashed);
    const warnings: string[] = [];
    const store = new PluginStore(root, { warn: (line) => warnings.push(line) });
    expect(store.startup).toMatchObject({ imported: 0, dropped: 2, indexed: 2 });
    expect(existsSync(join(root, name))).toBe(true);
    expect(warnings.join("\n")).toContain(`leaving ${name} alone`);
    expect(warnings.join("\n")).toContain(`plugin name "gcc-i686" must be letters, digits and '_' only`);
    store.close();
  });
});

describe("crash leftovers", () => {
  test("temporary files, and the .plugin of an upload a crash cut before its .meta, are removed at start-up", () => {
    const { root, digest } = volumeWithOrphan();
    writeFileSync(join(root, `.incoming-123-abc-${digest}.committing`), "");
    writeFileSync(join(root, ".incoming-123-abc-x.meta"), '{"digest":');
    const store = new PluginStore(root);
    expect(store.startup).toMatchObject({ removedPartial: 3, imported: 0 });
    expect(existsSync(join(root, `${digest}.plugin`))).toBe(false);
    expect(readdirSync(root).filter((name) => name.startsWith(".incoming-"))).toEqual([]);
    store.close();
  });

  test("an upload's .meta a crash left missing, empty, torn or zeroed is restored byte for byte from the index", async () => {
    const r = registry();
    const gcc = fixture("elf/x86_64-gcc.so");
    const files = [1, 2, 3, 4].map((n) => rebuilt(gcc, n));
    // Over HTTP (the upload workers' commit) and in-process (the mirror's and `upload`'s).
    for (const file of files.slice(0, 3)) expect(await (await r.upload(file)).json()).toBe("Added");
    const last = files[3] as Uint8Array;
    expect(r.store.upload(last, r.keys.sign(last))).toBe("Added");
    const metaPath = (file: Uint8Array) => join(r.root, `${sha256(file)}.meta`);
    const written = files.map((file) => readFileSync(metaPath(file), "utf8"));
    const mtimes = files.map((file) => statSync(metaPath(file)).mtime);
    // What power loss can leave of a file whose bytes were never flushed, its mtime as the index saw it.
    const [removed, emptied, torn, zeroed] = files.map(metaPath) as [string, string, string, string];
    rmSync(removed);
    writeFileSync(emptied, "");
    writeFileSync(torn, (written[2] as string).slice(0, 40));
    writeFileSync(zeroed, new Uint8Array(Buffer.byteLength(written[3] as string)));
    [emptied, torn, zeroed].forEach((path, index) => {
      utimesSync(path, mtimes[index + 1] as Date, mtimes[index + 1] as Date);
    });

    const reopened = r.reopen();
    expect(reopened.store.startup).toMatchObject({ restored: 4, dropped: 0, indexed: 4, imported: 0 });
    files.forEach((file, index) => {
      expect(readFileSync(metaPath(file), "utf8")).toBe(written[index] as string);
    });
    expect(reopened.logs.filter((line) => line.startsWith("restored "))).toHaveLength(4);
    const listed = reopened.store.find("gcc_x86_64", { limit: 10 });
    expect(listed.total).toBe(4);
    expect(listed.plugins.every((plugin) => plugin.signature !== "")).toBe(true);

    // Checked and flushed, the files are the truth again: the index keeps no text to restore them from.
    const again = reopened.reopen();
    expect(again.store.startup).toMatchObject({ restored: 0, indexed: 4, parsed: 0 });
    again.dispose();
  });

  test("an upload a crash cut after its files but before its index row, its .meta emptied, is removed", async () => {
    const r = registry();
    const gcc = fixture("elf/x86_64-gcc.so");
    const [kept, cut] = [rebuilt(gcc, 1), rebuilt(gcc, 2)];
    for (const file of [kept, cut]) expect(await (await r.upload(file)).json()).toBe("Added");
    r.store.close();
    // What the crash leaves: the marker, both names (the folder was flushed), the `.meta` empty, no index row.
    const digest = sha256(cut);
    writeFileSync(join(r.root, `.incoming-123-abc-${digest}.committing`), "");
    writeFileSync(join(r.root, `${digest}.meta`), "");
    const db = new Database(join(r.root, INDEX_FILE_NAME));
    db.exec("PRAGMA busy_timeout = 10000");
    db.query("DELETE FROM files WHERE digest = ?").run(digest);
    db.close();

    const reopened = r.reopen();
    expect(reopened.store.startup).toMatchObject({ indexed: 1, removedPartial: 2, restored: 0 });
    expect([existsSync(join(r.root, `${digest}.plugin`)), existsSync(join(r.root, `${digest}.meta`))]).toEqual([
      false,
      false,
    ]);
    expect(reopened.store.has(sha256(kept))).toBe(true);
    reopened.dispose();
  });

  test("the index keeps an upload's .meta text through a re-read of that file, not past a change of it", () => {
    const root = mkdtempSync(join(tmpdir(), "memflow-ts-index-"));
    folders.push(root);
    const index = new PluginIndex(join(root, INDEX_FILE_NAME));
    const meta = { digest: GCC, signature: "", created_at: "2024-03-22T18:14:53.402258600", descriptors: [] };
    index.put(meta, 1000, "little", "the text");
    // The folder watcher reading the same file (same mtime) as an upload worker commits it.
    index.put(meta, 1000, "little");
    expect(index.unflushedMetas()).toEqual(new Map([[GCC, "the text"]]));
    // Another tool rewrote it: the file is the truth.
    index.put(meta, 2000, "little");
    expect(index.unflushedMetas()).toEqual(new Map());
    index.close();
  });

  test("an upload over a leftover .meta of a deleted plugin indexes the new one", async () => {
    const r = registry();
    const gcc = fixture("elf/x86_64-gcc.so");
    writeFileSync(join(r.root, `${sha256(gcc)}.meta`), "left behind");
    const reopened = r.reopen();
    expect(await (await reopened.upload(gcc)).json()).toBe("Added");
    expect(reopened.store.find("gcc_x86_64", {}).total).toBe(1);
    reopened.dispose();
  });
});

describe("one server per folder", () => {
  test("a second store on the same folder in this process is refused until the first closes", () => {
    const root = volume();
    const first = new PluginStore(root);
    expect(() => new PluginStore(root)).toThrow(StorageInUseError);
    expect(() => new PluginStore(join(root, "."))).toThrow(/is already open in this process/);
    first.close();
    const second = new PluginStore(root);
    expect(second.names()).toHaveLength(2);
    second.close();
  });

  test("a store that fails to open lets the folder go", () => {
    const root = volume();
    mkdirSync(join(root, INDEX_FILE_NAME));
    expect(() => new PluginStore(root)).toThrow();
    rmSync(join(root, INDEX_FILE_NAME), { recursive: true });
    const store = new PluginStore(root);
    expect(store.names()).toHaveLength(2);
    store.close();
  });
});

test("what a .meta or a plugin says reaches the log escaped, so it cannot forge lines or drive a terminal", () => {
  const root = volume();
  const hostile = JSON.stringify({
    digest: "\u001b]0;owned\u0007\nforged log line",
    signature: "",
    created_at: "2024-03-22T18:14:53",
    descriptors: [],
  });
  writeFileSync(join(root, `${GCC}.meta`), hostile);
  const warnings: string[] = [];
  new PluginStore(root, { warn: (line) => warnings.push(line) }).close();
  expect(warnings).toContain(`ignoring ${GCC}.meta describes \\x1b]0;owned\\x07\\x0aforged log line`);
  expect(warnings.every(isPrintable)).toBe(true);
});

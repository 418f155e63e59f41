import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory, MemflowError } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { buildCPlugin } from "./support/c-plugin.ts";

const host = hostFor("linux", "x64");
let root: string;
let home: string;
let userDir: string;
let build: string;

function meta(createdAt: string, extra: Record<string, unknown> = {}) {
  return `${JSON.stringify({ digest: "ab".repeat(32), signature: "", created_at: createdAt, descriptors: [], ...extra }, null, 2)}\n`;
}

function place(directory: string, name: string, from: string, createdAt?: string) {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, name);
  copyFileSync(from, path);
  if (createdAt !== undefined) writeFileSync(path.replace(/\.so$/, ".meta"), meta(createdAt));
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "memflow-ts-inventory-"));
  home = join(root, "home");
  userDir = join(home, ".local", "lib", "memflow");
  build = join(root, "build");
  mkdirSync(build, { recursive: true });
  buildCPlugin(build, "qemu-old.so", [{ kind: "connector", name: "qemu", version: "0.2.0" }]);
  buildCPlugin(build, "qemu-new.so", [{ kind: "connector", name: "qemu", version: "0.2.1" }]);
  buildCPlugin(build, "multi.so", [
    { kind: "connector", name: "kvm", version: "0.2.2" },
    { kind: "os", name: "win32", version: "0.2.3" },
  ]);
  buildCPlugin(build, "mixed.so", [
    { kind: "connector", name: "good", version: "1.0.0" },
    { kind: "os", name: "future", version: "9.0.0", pluginVersion: 2 },
  ]);
  buildCPlugin(build, "v2.so", [{ kind: "connector", name: "future", pluginVersion: 2 }]);
  buildCPlugin(build, "plain.so", []);
  // A plugin with e_machine patched to aarch64: valid ELF, wrong architecture here. Packed (RELR)
  // relocations are the same on every machine, so the descriptor still reads correctly.
  buildCPlugin(
    build,
    "relr.so",
    [{ kind: "connector", name: "qemu", version: "0.2.0" }],
    ["-Wl,-z,pack-relative-relocs"],
  );
  const arm = readFileSync(join(build, "relr.so"));
  arm.writeUInt16LE(183, 18);
  writeFileSync(join(build, "arm.so"), arm);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const scanOf = (directory: string) => Inventory.scanPath(directory, { host });

describe("Inventory scanning", () => {
  test("orders plugins newest first by .meta created_at, to the nanosecond", () => {
    const dir = join(root, "order");
    place(dir, "libmemflow_qemu_aaaaaaa.so", join(build, "qemu-old.so"), "2024-04-06T20:49:56.440891100");
    place(dir, "libmemflow_qemu_bbbbbbb.so", join(build, "qemu-new.so"), "2024-04-06T20:49:56.440891101");
    const inventory = scanOf(dir);
    expect(inventory.plugins().map((entry) => entry.descriptors[0]?.version)).toEqual(["0.2.1", "0.2.0"]);
    expect(inventory.plugins()[0]?.createdAt.text).toBe("2024-04-06T20:49:56.440891101");
    expect(inventory.plugins()[0]?.createdAtSource).toBe("meta");
    expect(inventory.find("connector", "qemu").descriptor.version).toBe("0.2.1");
  });

  test("equal timestamps order by path, whatever the directory listing order", () => {
    const dir = join(root, "ties");
    for (const name of ["c.so", "a.so", "b.so"]) place(dir, name, join(build, "qemu-old.so"), "2024-01-01T00:00:00");
    expect(
      scanOf(dir)
        .plugins()
        .map((entry) => entry.path.slice(-4)),
    ).toEqual(["a.so", "b.so", "c.so"]);
  });

  test("many files in any time order end up newest first, ties by path", () => {
    const dir = join(root, "many");
    // 40 files, their times out of name order and five of each second (ties).
    const times = Array.from(
      { length: 40 },
      (_, index) => `2024-01-01T00:00:${String((index * 7) % 8).padStart(2, "0")}`,
    );
    for (const [index, time] of times.entries()) {
      place(dir, `p${String(index).padStart(2, "0")}.so`, join(build, "qemu-old.so"), time);
    }
    const expected = times
      .map((time, index) => ({ time, name: `p${String(index).padStart(2, "0")}.so` }))
      .sort((a, b) => (a.time !== b.time ? (a.time < b.time ? 1 : -1) : a.name < b.name ? -1 : 1))
      .map((file) => file.name);
    expect(
      scanOf(dir)
        .plugins()
        .map((entry) => entry.path.slice(-6)),
    ).toEqual(expected);
  });

  test("without .meta, the file time orders plugins", () => {
    const dir = join(root, "times");
    const older = place(dir, "older.so", join(build, "qemu-old.so"));
    const newer = place(dir, "newer.so", join(build, "qemu-new.so"));
    utimesSync(older, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
    utimesSync(newer, new Date("2021-01-01T00:00:00Z"), new Date("2021-01-01T00:00:00Z"));
    const entries = scanOf(dir).plugins();
    expect(entries.every((entry) => entry.createdAtSource !== "meta")).toBe(true);
    expect(entries).toHaveLength(2);
  });

  test("a file reached twice, directly and through a symlink, is one entry", () => {
    const dir = join(root, "links");
    const real = place(dir, "libmemflow_qemu.so", join(build, "qemu-old.so"), "2024-01-01T00:00:00");
    symlinkSync(real, join(dir, "link.so"));
    const inventory = scanOf(dir);
    inventory.addDir(dir);
    expect(inventory.plugins()).toHaveLength(1);
    const duplicates = inventory.rejected().filter((rejected) => rejected.error.is("Inventory", "AlreadyExists"));
    expect(duplicates.length).toBeGreaterThanOrEqual(2);
  });

  test("checks every descriptor: a file keeps its usable ones, the others are rejected with a reason", () => {
    const dir = join(root, "mixed");
    place(dir, "mixed.so", join(build, "mixed.so"), "2024-01-01T00:00:00");
    const inventory = scanOf(dir);
    expect(inventory.plugins()[0]?.descriptors.map((descriptor) => descriptor.name)).toEqual(["good"]);
    const [refused] = inventory.rejected();
    expect(refused?.exportName).toBe("MEMFLOW_OS_FUTURE");
    expect(refused?.error.is("Inventory", "VersionMismatch")).toBe(true);
    expect(refused?.error.message).toContain("expected version 1 but MEMFLOW_OS_FUTURE had version 2");
  });

  test("rejects other architectures, other ABI versions, files without descriptors and non-binaries", () => {
    const dir = join(root, "rejects");
    place(dir, "arm.so", join(build, "arm.so"));
    place(dir, "v2.so", join(build, "v2.so"));
    place(dir, "plain.so", join(build, "plain.so"));
    writeFileSync(join(dir, "notes.so"), "text\n");
    writeFileSync(join(dir, "ignored.txt"), "not a plugin name\n");
    mkdirSync(join(dir, "folder.so"));
    const inventory = scanOf(dir);
    expect(inventory.plugins()).toEqual([]);
    const reasons = Object.fromEntries(
      inventory.rejected().map((rejected) => [rejected.path.split("/").pop(), rejected.error]),
    );
    expect(Object.keys(reasons).sort()).toEqual(["arm.so", "folder.so", "notes.so", "plain.so", "v2.so"]);
    expect(reasons["arm.so"]?.is("Inventory", "InvalidArchitecture")).toBe(true);
    expect(reasons["arm.so"]?.message).toContain("was built for elf/arm64, this host needs elf/x86_64");
    expect(reasons["v2.so"]?.is("Inventory", "VersionMismatch")).toBe(true);
    expect(reasons["plain.so"]?.is("Inventory", "InvalidExeFile")).toBe(true);
    expect(reasons["notes.so"]?.is("Inventory", "UnableToReadFile")).toBe(true);
    expect(reasons["notes.so"]?.message).toContain("bad-magic");
    expect(reasons["folder.so"]?.is("Inventory", "UnableToReadFile")).toBe(true);
  });

  test("a .meta without signature or descriptors is fine; an unparsable one rejects its plugin", () => {
    const dir = join(root, "metas");
    const lenient = place(dir, "lenient.so", join(build, "qemu-old.so"));
    writeFileSync(lenient.replace(/\.so$/, ".meta"), JSON.stringify({ created_at: "2024-04-06T20:04:50.888384708" }));
    const broken = place(dir, "broken.so", join(build, "qemu-new.so"));
    writeFileSync(broken.replace(/\.so$/, ".meta"), "{ not json");
    const zoned = place(dir, "zoned.so", join(build, "qemu-new.so"));
    writeFileSync(zoned.replace(/\.so$/, ".meta"), JSON.stringify({ created_at: "2024-04-06T20:04:50Z" }));
    const inventory = scanOf(dir);
    expect(inventory.plugins().map((entry) => entry.path.split("/").pop())).toEqual(["lenient.so"]);
    expect(inventory.plugins()[0]?.createdAt.text).toBe("2024-04-06T20:04:50.888384708");
    const messages = inventory.rejected().map((rejected) => rejected.error.message);
    expect(messages.some((message) => message.includes("broken.meta is not valid JSON"))).toBe(true);
    expect(messages.some((message) => message.includes("zoned.meta: created_at"))).toBe(true);
  });

  test("scan visits the user directory, every MEMFLOW_PLUGIN_PATH entry and the working directory, creating nothing", () => {
    const first = join(root, "path-a");
    const second = join(root, "path-b");
    const cwd = join(root, "cwd");
    place(userDir, "libmemflow_qemu.so", join(build, "qemu-old.so"), "2024-01-01T00:00:00");
    place(first, "multi.so", join(build, "multi.so"), "2024-01-02T00:00:00");
    place(second, "v2.so", join(build, "v2.so"));
    mkdirSync(cwd);
    const missing = join(root, "missing-home");
    const inventory = Inventory.scan({ host, home, cwd, pluginPathVariable: `${first}:${second}` });
    expect(inventory.directories().map((directory) => directory.path)).toEqual([userDir, first, second, cwd]);
    expect(inventory.availableConnectors()).toEqual(["kvm", "qemu"]);
    expect(inventory.availableOs()).toEqual(["win32"]);
    expect(inventory.rejected().map((rejected) => rejected.path)).toEqual([join(second, "v2.so")]);

    const empty = Inventory.scan({ host, home: missing, cwd, pluginPathVariable: undefined });
    expect(empty.directories()[0]?.error?.is("Inventory", "UnableToReadDir")).toBe(true);
    expect(() => readFileSync(join(missing, ".local"))).toThrow();
  });

  test("scanPath of a missing directory is (Inventory, UnableToReadDir)", () => {
    expect(() => scanOf(join(root, "nope"))).toThrow(MemflowError);
  });
});

describe("Inventory lookup", () => {
  let inventory: Inventory;

  beforeAll(() => {
    const dir = join(root, "lookup");
    const old = place(dir, "libmemflow_qemu_1111111.so", join(build, "qemu-old.so"));
    writeFileSync(old.replace(/\.so$/, ".meta"), meta("2024-01-01T00:00:00", { digest: `1111111${"0".repeat(57)}` }));
    place(dir, "libmemflow_qemu_2222222.so", join(build, "qemu-new.so"), "2024-02-01T00:00:00");
    place(dir, "multi.so", join(build, "multi.so"), "2023-01-01T00:00:00");
    inventory = scanOf(dir);
  });

  test("a name picks the newest file; tags pick a version or a digest prefix", () => {
    expect(inventory.find("connector", "qemu").descriptor.version).toBe("0.2.1");
    expect(inventory.find("connector", "qemu:latest").descriptor.version).toBe("0.2.1");
    expect(inventory.find("connector", "qemu:0.2.0").descriptor.version).toBe("0.2.0");
    expect(inventory.find("connector", "qemu:1111111").entry.path).toContain("1111111");
    expect(inventory.find("os", "win32").descriptor.export_name).toBe("MEMFLOW_OS_WIN32");
  });

  test("a tag matching the digest of a file without .meta works too", () => {
    const dir = join(root, "digest");
    const path = place(dir, "plain-qemu.so", join(build, "qemu-old.so"));
    const digest = new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
    expect(scanOf(dir).find("connector", `qemu:${digest.slice(0, 7)}`).entry.path).toBe(path);
  });

  test("an unknown name, a kind mismatch and an unmatched tag are (Inventory, PluginNotFound), naming what exists", () => {
    for (const [kind, name] of [
      ["connector", "pcileech"],
      ["os", "qemu"],
      ["connector", "qemu:9.9.9"],
    ] as const) {
      try {
        inventory.find(kind, name);
        throw new Error("expected PluginNotFound");
      } catch (error) {
        expect(error instanceof MemflowError && error.is("Inventory", "PluginNotFound")).toBe(true);
      }
    }
    expect(() => inventory.find("connector", "pcileech")).toThrow(/available: qemu, kvm/);
  });

  test("not found names the skipped files that may have been the plugin, and why", () => {
    const dir = join(root, "skipped");
    const damaged = place(dir, "libmemflow_qemu_ccccccc.so", join(build, "qemu-new.so"));
    writeFileSync(damaged.replace(/\.so$/, ".meta"), "{");
    place(dir, "libmemflow_mixed_ddddddd.so", join(build, "mixed.so"), "2024-01-01T00:00:00");
    const scanned = scanOf(dir);
    expect(() => scanned.find("connector", "qemu:0.2.1")).toThrow(
      new RegExp(`\\(available: good\\); skipped: ${damaged} \\(.*is not valid JSON`),
    );
    // A refused descriptor of a file that is otherwise used: found by its export name.
    expect(() => scanned.find("os", "future")).toThrow(
      /skipped: .*libmemflow_mixed_ddddddd\.so \(plugin with incompatible version/,
    );
    expect(scanned.catalogue.rejectedCandidates("connector", "kvm")).toEqual([]);
  });
});

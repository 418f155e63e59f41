import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { formatPluginMetadata, installedFileName } from "@memflow-ts/core/plugin-files";
import { createdLabel } from "../src/listing.ts";
import { ELF_FIXTURES, elfFixture, FIXTURES, rebuilt, sha256 } from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-plugins-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let home = "";
let dir = "";
beforeEach(() => {
  home = mkdtempSync(join(sandbox, "home-"));
  dir = join(home, ".local/lib/memflow");
  mkdirSync(dir, { recursive: true });
});

const files = () => readdirSync(dir).sort();

/** Installs `file` as memflowup would, its `.meta` claiming `descriptors` (default: what the analyzer finds). */
function install(file: Uint8Array, createdAt: string, descriptors?: PluginDescriptorInfo[]): string {
  const digest = sha256(file);
  const found = descriptors ?? parseDescriptors(file);
  const name = installedFileName(found[0]?.name ?? "unknown", digest, "linux");
  writeFileSync(join(dir, name), file);
  writeFileSync(
    join(dir, name.replace(/\.so$/, ".meta")),
    formatPluginMetadata({ digest, signature: "", created_at: createdAt, descriptors: found }),
  );
  return name;
}

/** The memflowup-written fixture pair: x86_64-gcc.so as pulled, with its .meta. */
function installFixture(): string {
  copyFileSync(join(ELF_FIXTURES, "x86_64-gcc.so"), join(dir, "libmemflow_gcc-x86_64_61da62d.so"));
  copyFileSync(join(FIXTURES, "meta/memflowup-pulled.meta"), join(dir, "libmemflow_gcc-x86_64_61da62d.meta"));
  return join(dir, "libmemflow_gcc-x86_64_61da62d.so");
}

describe("plugins ls", () => {
  test("reads a .meta written by memflowup and prints memflowup's columns", async () => {
    const path = installFixture();
    const run = await cli(home, ["plugins", "ls"]);
    expect(run).toEqual({
      code: 0,
      stdout:
        "NAME             VERSION          ARCH         ABI  DIGEST\n" +
        "gcc-x86_64       0.1.0            elf/x86_64   1    61da62d\n",
      stderr: "",
    });
    const wide = await cli(home, ["plugins", "list", "--wide"]);
    expect(wide.stdout.split("\n")[1]).toBe(
      `gcc-x86_64       0.1.0            elf/x86_64   1    61da62d  ${"61da62de743f356175d7d77c86aefbafd10e23f7cbb77b2ae570193ebfb728b7".padEnd(65)} 2024-04-06 20:49:56.440891100 "${path}"`,
    );
  });

  test("--json gives one object per descriptor, newest first per name", async () => {
    const path = installFixture();
    install(elfFixture("x86_64-multi.so"), "2024-05-01T10:00:00");
    const listed = JSON.parse((await cli(home, ["plugins", "ls", "--json"])).stdout);
    expect(listed.map((entry: { descriptor: PluginDescriptorInfo }) => entry.descriptor.name)).toEqual([
      "alpha",
      "beta",
      "gcc-x86_64",
    ]);
    expect(listed[2]).toEqual({
      path,
      meta_path: path.replace(/\.so$/, ".meta"),
      file_exists: true,
      digest: "61da62de743f356175d7d77c86aefbafd10e23f7cbb77b2ae570193ebfb728b7",
      created_at: "2024-04-06T20:49:56.440891100",
      descriptor: {
        plugin_kind: "connector",
        export_name: "MEMFLOW_CONNECTOR_GCC_X86_64",
        file_type: "elf",
        architecture: "x86_64",
        plugin_version: 1,
        name: "gcc-x86_64",
        version: "0.1.0",
        description: "x86_64 shared object built by gcc and GNU ld",
      },
    });
    const filtered = JSON.parse((await cli(home, ["plugins", "ls", "beta", "--json"])).stdout);
    expect(filtered).toHaveLength(1);
  });

  test("names .meta files without their plugin file, and ones that do not parse, on stderr", async () => {
    const path = installFixture();
    rmSync(path);
    writeFileSync(join(dir, "libmemflow_broken_0000000.meta"), "{");
    const run = await cli(home, ["plugins", "ls"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("gcc-x86_64");
    expect(run.stderr).toContain("describes a plugin file that is missing");
    expect(run.stderr).toContain("libmemflow_broken_0000000.meta is not a memflowup .meta");
    expect((await cli(home, ["plugins", "ls", "-q"])).stderr).toBe("");
  });

  test("an empty or absent plugin folder lists nothing", async () => {
    rmSync(dir, { recursive: true });
    expect(await cli(home, ["plugins", "ls"])).toEqual({
      code: 0,
      stdout: "NAME             VERSION          ARCH         ABI  DIGEST\n",
      stderr: "",
    });
    expect((await cli(home, ["plugins", "ls", "--json"])).stdout).toBe("[]\n");
  });

  test("CREATED is chrono's Display: a space for the T, fraction digits in threes", () => {
    expect(createdLabel("2024-04-06T20:49:56.440891100")).toBe("2024-04-06 20:49:56.440891100");
    expect(createdLabel("2024-04-06T20:49:56.4408")).toBe("2024-04-06 20:49:56.440800");
    expect(createdLabel("2024-04-06T20:49:56.000")).toBe("2024-04-06 20:49:56");
  });
});

describe("plugins rm", () => {
  test("removes the newest by name, a version, a digest prefix or a full digest", async () => {
    const host = elfFixture("x86_64-gcc.so");
    const older = install(host, "2024-01-01T00:00:00");
    const newer = install(rebuilt(host, 1), "2024-02-01T00:00:00");
    const newest = install(rebuilt(host, 2), "2024-03-01T00:00:00");
    const latest = await cli(home, ["plugins", "rm", "gcc-x86_64"]);
    expect(latest).toEqual({ code: 0, stdout: `[=] Deleted plugin: "${join(dir, newest)}"\n`, stderr: "" });
    await cli(home, ["plugins", "remove", `gcc-x86_64:${sha256(host).slice(0, 7)}`]);
    expect(files()).toEqual([newer.replace(".so", ".meta"), newer]);
    expect((await cli(home, ["plugins", "rm", sha256(rebuilt(host, 1))])).code).toBe(0);
    expect(files()).toEqual([]);
    expect(older).toContain(sha256(host).slice(0, 7));
  });

  test("a URI that matches nothing is reported with exit 1; the others are still removed", async () => {
    const installed = install(elfFixture("x86_64-gcc.so"), "2024-01-01T00:00:00");
    const run = await cli(home, ["plugins", "rm", "nope", "gcc-x86_64:9.9.9", "gcc-x86_64:0.1.0"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("[X] Plugin `nope` not found");
    expect(run.stderr).toContain("[X] Plugin `gcc-x86_64:9.9.9` not found");
    expect(run.stdout).toBe(`[=] Deleted plugin: "${join(dir, installed)}"\n`);
    expect((await cli(home, ["plugins", "rm", `gcc-x86_64:${"f".repeat(80)}`])).code).toBe(1);
    expect((await cli(home, ["plugins", "rm"])).code).toBe(2);
  });
});

describe("plugins clean", () => {
  function mess() {
    const host = elfFixture("x86_64-gcc.so");
    const multi = elfFixture("x86_64-multi.so");
    const alpha = parseDescriptors(multi).filter((descriptor) => descriptor.name === "alpha");
    const names = {
      old: install(host, "2024-01-01T00:00:00"),
      current: install(rebuilt(host, 1), "2024-02-01T00:00:00"),
      // alpha + beta, older than the alpha-only build below but still the newest beta
      multi: install(multi, "2024-01-01T00:00:00"),
      alphaOnly: install(rebuilt(host, 2), "2024-03-01T00:00:00", alpha),
    };
    writeFileSync(join(dir, "libmemflow_handmade.so"), host);
    writeFileSync(join(dir, "libmemflow_corrupt_1111111.so"), host);
    writeFileSync(join(dir, "libmemflow_corrupt_1111111.meta"), "{not json");
    const mismatch = install(rebuilt(host, 3), "2024-01-01T00:00:00");
    writeFileSync(join(dir, mismatch), "changed after install");
    const gone = install(rebuilt(host, 4), "2024-01-01T00:00:00", alpha);
    rmSync(join(dir, gone));
    writeFileSync(join(dir, ".libmemflow_x_2222222.so.abcd1234.memflow-ts-partial"), "half");
    writeFileSync(join(dir, "notes.txt"), "mine");
    return { ...names, mismatch, gone };
  }

  test("removes broken files and older versions, keeps hand-copied plugins and multi-plugin files still newest for one", async () => {
    const names = mess();
    const before = files();
    const dry = await cli(home, ["plugins", "clean", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(files()).toEqual(before);
    expect(dry.stdout).toContain("[-] Dry run: would remove 3 plugins.");

    const run = await cli(home, ["plugins", "clean"]);
    expect(run.code).toBe(0);
    // A damaged .meta never costs its plugin file (memflowup deleted it).
    expect(run.stdout).toContain(`[-] Kept "${join(dir, "libmemflow_corrupt_1111111.so")}": its .meta is damaged`);
    expect(run.stdout).toContain(
      `[=] Deleted orphaned plugin: "${join(dir, names.mismatch)}" (checksum mismatch in .meta file)`,
    );
    expect(run.stdout).toContain(
      `[=] Deleted plugin: "${join(dir, names.old)}" (an older gcc-x86_64 0.1.0; kept ${join(dir, names.current)})`,
    );
    expect(run.stdout).toContain("Kept 1 plugin file without a .meta (copied by hand?)");
    expect(run.stdout).toContain("[=] Plugins cleaned, removed 3 plugins.");
    const meta = (name: string) => name.replace(/\.so$/, ".meta");
    expect(files()).toEqual(
      [
        names.current,
        meta(names.current),
        names.multi,
        meta(names.multi),
        names.alphaOnly,
        meta(names.alphaOnly),
        "libmemflow_handmade.so",
        "libmemflow_corrupt_1111111.so",
        "libmemflow_corrupt_1111111.meta",
        "notes.txt",
      ].sort(),
    );

    const unmanaged = await cli(home, ["plugins", "purge", "--include-unmanaged"]);
    expect(unmanaged.stdout).toContain(
      `Deleted orphaned plugin: "${join(dir, "libmemflow_handmade.so")}" (.meta file missing)`,
    );
    expect(unmanaged.stdout).toContain("removed 1 plugins.");
    expect(existsSync(join(dir, "notes.txt"))).toBe(true);
  });

  test("an absent plugin folder is already clean", async () => {
    rmSync(dir, { recursive: true });
    expect(await cli(home, ["plugins", "clean"])).toEqual({
      code: 0,
      stdout: "[=] Plugins cleaned, removed 0 plugins.\n",
      stderr: "",
    });
    expect((await cli(home, ["plugins", "clean", "extra"])).code).toBe(2);
  });
});

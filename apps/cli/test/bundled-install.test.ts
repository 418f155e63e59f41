/**
 * `plugin install dummy|rawfile|dummy-os`: the SDK's bundled C plugins built into a fresh home's
 * plugin folder, each in a file of its own with memflowup's name and `.meta`, then found by name
 * by the commands that load plugins; and `plugin build` of a folder of several plugins builds one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT } from "../../../tooling/testing/timeouts.ts";
import { ExitCode } from "../src/io.ts";
import { type CliRun, cli } from "./run-cli.ts";

const gcc = requireTool("gcc", "gcc");
const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-bundled-"));
const home = join(sandbox, "home");
const pluginDir = join(home, ".local", "lib", "memflow");
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let installed: CliRun;
beforeAll(async () => {
  if (gcc.available) installed = await cli(home, ["plugin", "install", "dummy", "rawfile", "dummy-os"]);
}, BUILD_HOOK_TIMEOUT);

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

describe.skipIf(!gcc.available)("plugin install of the bundled plugins", () => {
  test("builds each into the user plugin folder under memflowup's name, with a .meta", () => {
    expect(installed.stderr).toBe("");
    expect(installed.code).toBe(ExitCode.ok);
    const lines = installed.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[=\] Installed the bundled connector dummy \S+ as .*\/libmemflow_dummy_[0-9a-f]{7}\.so$/,
    );
    expect(lines[1]).toMatch(
      /^\[=\] Installed the bundled connector rawfile \S+ as .*\/libmemflow_rawfile_[0-9a-f]{7}\.so$/,
    );
    expect(lines[2]).toMatch(/^\[=\] Installed the bundled os dummy \S+ as .*\/libmemflow_dummy_[0-9a-f]{7}\.so$/);

    const libraries = readdirSync(pluginDir).filter((file) => file.endsWith(".so"));
    expect(libraries).toHaveLength(3);
    const kinds = libraries.map((file) => {
      const bytes = new Uint8Array(readFileSync(join(pluginDir, file)));
      const digest = sha256(bytes);
      expect(file).toBe(`libmemflow_${/^libmemflow_(\w+?)_/.exec(file)?.[1]}_${digest.slice(0, 7)}.so`);
      const meta = JSON.parse(readFileSync(join(pluginDir, file.replace(/\.so$/, ".meta")), "utf8"));
      expect(meta.digest).toBe(digest);
      expect(meta.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+$/);
      // Each file holds its own plugin only, as the .meta says.
      const descriptors = parseDescriptors(bytes);
      expect(meta.descriptors).toEqual(descriptors);
      expect(descriptors).toHaveLength(1);
      return `${descriptors[0]?.plugin_kind} ${descriptors[0]?.name} in ${file.split("_")[1]}`;
    });
    expect(kinds.sort()).toEqual(["connector dummy in dummy", "connector rawfile in rawfile", "os dummy in dummy"]);
  });

  test("plugins ls lists the three, and plugins clean keeps the connector and the OS named dummy", async () => {
    const listed = await cli(home, ["plugins", "ls", "--json"]);
    expect(listed.code).toBe(ExitCode.ok);
    const rows = JSON.parse(listed.stdout) as { path: string; descriptor: { name: string; plugin_kind: string } }[];
    expect(rows.map((row) => `${row.descriptor.plugin_kind} ${row.descriptor.name}`).sort()).toEqual([
      "connector dummy",
      "connector rawfile",
      "os dummy",
    ]);
    const clean = await cli(home, ["plugins", "clean", "--dry-run"]);
    expect(clean.code).toBe(ExitCode.ok);
    expect(clean.stdout).toContain("would remove 0 plugins");
  });

  test("read -c dummy 0x1000 64, as the demo's hint prints it, reads through the installed connector", async () => {
    const read = await cli(home, ["read", "-c", "dummy", "0x1000", "64"]);
    expect(read.stderr).toBe("");
    expect(read.code).toBe(ExitCode.ok);
    expect(read.stdout.trimEnd().split("\n")).toHaveLength(4);
    expect(read.stdout).toMatch(/^00001000 {2}/);
  });

  test("ps -c dummy -o dummy lists the installed dummy OS's processes", async () => {
    const ps = await cli(home, ["ps", "-c", "dummy", "-o", "dummy::procs=3,seed=5"]);
    expect(ps.stderr).toBe("");
    expect(ps.code).toBe(ExitCode.ok);
    const [header, ...processes] = ps.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^PID\s+NAME/);
    expect(processes).toHaveLength(3);
  });

  test("a file named like a bundled plugin is installed by its path", async () => {
    const run = await cli(home, ["plugin", "install", "./dummy"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Unable to install ./dummy");
    expect(run.stderr).toContain(`${JSON.stringify(join(home, "dummy"))}: it does not exist`);
  });
});

describe.skipIf(!gcc.available)("plugin build of a folder holding several plugins", () => {
  const native = join(bundledPluginSource("dummy"), "..");

  test("--name builds that plugin's own file alone", async () => {
    const out = join(sandbox, "native-rawfile");
    const run = await cli(home, ["plugin", "build", native, "--name", "rawfile", "--out", out]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(ExitCode.ok);
    const [library] = readdirSync(out).filter((file) => file.endsWith(".so"));
    const descriptors = parseDescriptors(new Uint8Array(readFileSync(join(out, library ?? ""))));
    expect(descriptors.map((descriptor) => `${descriptor.plugin_kind} ${descriptor.name}`)).toEqual([
      "connector rawfile",
    ]);
  }, 60_000);

  test("without --name it is refused, naming the files", async () => {
    const run = await cli(home, ["plugin", "build", native, "--out", join(sandbox, "native-none")]);
    expect(run.code).toBe(ExitCode.usage);
    expect(run.stderr).toContain("several C files at its top (dummy-os.c, dummy.c, rawfile.c), one plugin each");
  });
});

/**
 * TypeScript plugins through the real executable, start to finish, in a temporary HOME: `plugin
 * new --lang ts` (a connector and an OS layer) → the project's own tests → `plugin install` →
 * use from the command line (read; ps and read -p on the OS) → `plugin test` → `plugins ls`,
 * `list` → `plugins rm`; and files that cannot be used refused with memflow's error and exit 1,
 * nothing installed.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPlugin, bundledPluginBuild } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { ExitCode } from "../src/index.ts";
import { authoringSandbox } from "./support/authoring-sandbox.ts";
import { runBinary } from "./support/binary.ts";

// The OS layer runs over the C dummy connector, as `memflow-ts setup` installs it.
const gcc = requireTool("gcc", "gcc");
const { sandbox, home, pluginDir } = authoringSandbox("memflow-ts-ts-plugins-");
const PACKAGES = join(import.meta.dir, "..", "..", "..", "packages");

/** `memflow-ts <args>` as a shell runs it, in `cwd` (default: the sandbox). */
const memflowTs = (args: string[], cwd = sandbox) => runBinary(args, { HOME: home }, cwd);

/** As `bun install` would with the published packages: node_modules/@memflow-ts/{sdk,core}. */
function linkWorkspacePackages(dir: string): void {
  mkdirSync(join(dir, "node_modules", "@memflow-ts"), { recursive: true });
  for (const name of ["sdk", "core"]) symlinkSync(join(PACKAGES, name), join(dir, "node_modules", "@memflow-ts", name));
}

/** `plugin new <name> --lang ts …` and the project's own `bun test`, which must pass whole. */
async function newProject(name: string, flags: string[], tests: number): Promise<string> {
  const created = await memflowTs(["plugin", "new", name, "--lang", "ts", ...flags]);
  expect(created.code).toBe(ExitCode.ok);
  expect(created.stdout).toContain(`memflow-ts plugin install src/${name}.memflow.ts`);
  const project = join(sandbox, name);
  linkWorkspacePackages(project);
  const own = Bun.spawnSync([process.execPath, "test"], { cwd: project, stdout: "pipe", stderr: "pipe" });
  expect(own.stderr.toString()).toMatch(new RegExp(`\\n ${tests} pass\\n 0 fail\\n`));
  expect(own.exitCode).toBe(0);
  return project;
}

/** `plugin install <file>` from the project, which must succeed and put `<name>.memflow.ts` (only) in place. */
async function install(project: string, name: string, kind: string): Promise<void> {
  const installed = await memflowTs(["plugin", "install", `src/${name}.memflow.ts`], project);
  expect(installed.stderr).toBe("");
  expect(installed.stdout).toContain(
    `Installed TypeScript ${kind} ${name} 0.1.0 as ${join(pluginDir, `${name}.memflow.ts`)}`,
  );
  expect(installed.code).toBe(ExitCode.ok);
  expect(readdirSync(pluginDir).filter((file) => file.startsWith(name))).toEqual([`${name}.memflow.ts`]);
}

/** `plugin test <installed file> --json`: every check passes, reported as for a library. */
async function passesChecks(name: string, kind: string, extra: string[]): Promise<void> {
  const run = await memflowTs(["plugin", "test", join(pluginDir, `${name}.memflow.ts`), "--json", ...extra]);
  const report = JSON.parse(run.stdout) as { kind: string; name: string; passed: number; failed: number };
  expect({ kind: report.kind, name: report.name, failed: report.failed }).toEqual({ kind, name, failed: 0 });
  expect(report.passed).toBeGreaterThan(5);
  expect(run.code).toBe(ExitCode.ok);
}

/** `plugins ls` shows the file as TypeScript; `plugins rm` deletes it, and a second rm finds nothing. */
async function listedThenRemoved(name: string): Promise<void> {
  const listed = await memflowTs(["plugins", "ls"]);
  expect(listed.stdout).toMatch(new RegExp(`^${name} +- +typescript +- +[0-9a-f]{7}$`, "m"));
  const all = await memflowTs(["list", "--json"]);
  expect((JSON.parse(all.stdout) as { typescript: { name: string }[] }).typescript.map((p) => p.name)).toContain(name);
  const removed = await memflowTs(["plugins", "rm", name]);
  expect(removed.stdout).toContain(`Deleted TypeScript plugin: "${join(pluginDir, `${name}.memflow.ts`)}"`);
  expect(removed.code).toBe(ExitCode.ok);
  expect(existsSync(join(pluginDir, `${name}.memflow.ts`))).toBe(false);
  const again = await memflowTs(["plugins", "rm", name]);
  expect(again.code).toBe(ExitCode.failed);
  expect(again.stderr).toContain(`Plugin \`${name}\` not found`);
}

describe.skipIf(!gcc.available)("TypeScript plugins from new to rm", () => {
  test("a connector: new → its tests → install → read -c → plugin test → ls → rm", async () => {
    const project = await newProject("sparse", [], 11);
    await install(project, "sparse", "connector");
    const read = await memflowTs(["read", "-c", "sparse::size=1m", "0xff0", "16"]);
    expect(read.stderr).toBe("");
    expect(read.stdout).toBe("00000ff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n");
    await passesChecks("sparse", "connector", ["--args", ":size=2m", "--cycles", "20"]);
    await listedThenRemoved("sparse");
    const gone = await memflowTs(["read", "-c", "sparse", "0", "16"]);
    expect(gone.code).toBe(ExitCode.failed);
    expect(gone.stderr).toContain("no connector plugin named sparse");
  }, 120_000);

  test("an OS layer: new → its tests → install → ps and read -p over the C dummy → plugin test → ls → rm", async () => {
    const project = await newProject("paged", ["--kind", "os"], 12);
    buildPlugin(bundledPluginBuild("dummy", pluginDir));
    await install(project, "paged", "os");
    const ps = await memflowTs(["ps", "-c", "dummy", "-o", "paged::procs=3"]);
    expect(ps.stderr).toBe("");
    expect(ps.stdout).toMatch(/^100 +init +x86_64 +Alive/m);
    expect(ps.stdout).toMatch(/^102 +editor +x86_64 +Alive/m);
    const read = await memflowTs(["read", "-c", "dummy", "-o", "paged", "-p", "shell", "0x400000", "16"]);
    expect(read.stderr).toBe("");
    expect(read.stdout).toContain("00400000  68 65 6c 6c 6f 20 66 72  6f 6d 20 73 68 65 6c 6c  |hello from shell|");
    await passesChecks("paged", "os", ["--args", ":procs=3", "--cycles", "5"]);
    await listedThenRemoved("paged");
  }, 180_000);
});

describe("files that cannot be used are refused, and nothing is installed", () => {
  const folder = join(sandbox, "bad");
  mkdirSync(folder, { recursive: true });
  const bad = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };
  const cases = [
    { what: "a syntax error", file: bad("broken.memflow.ts", "export const = ;\n"), says: "(line 1, column 14)" },
    {
      what: "no definition exported",
      file: bad("nothing.memflow.ts", "export const answer = 42;\n"),
      says: "exports no plugin definition (defineConnector or defineOs)",
    },
    {
      what: "a definition whose create throws",
      file: bad(
        "thrower.memflow.ts",
        [
          'import { defineConnector } from "@memflow-ts/sdk";',
          "export const thrower = defineConnector({",
          '  name: "thrower", version: "0.1.0", description: "throws",',
          '  create() { throw new RangeError("device 7 is not attached"); },',
          "});",
        ].join("\n"),
      ),
      says: "RangeError: device 7 is not attached",
    },
  ];
  for (const { what, file, says } of cases) {
    test(`${what}: install exits 1 naming the problem and leaves the plugin folder alone`, async () => {
      const before = existsSync(pluginDir) ? readdirSync(pluginDir) : [];
      const run = await memflowTs(["plugin", "install", file]);
      expect(run.code).toBe(ExitCode.failed);
      expect(run.stderr).toContain(`Unable to install ${file}`);
      expect(run.stderr).toContain(says);
      expect(existsSync(pluginDir) ? readdirSync(pluginDir) : []).toEqual(before);
    });
  }

  test("plugin test refuses a file it cannot import before any check, and fails the create check of a throwing one", async () => {
    const broken = await memflowTs(["plugin", "test", join(folder, "broken.memflow.ts")]);
    expect(broken.code).toBe(ExitCode.failed);
    expect(broken.stderr).toContain("cannot test");
    expect(broken.stderr).toContain("A TypeScript plugin file must import");
    expect(broken.stdout).toBe("");
    // With sample arguments: without any, a connector may refuse to start (the check accepts that).
    const thrower = await memflowTs([
      "plugin",
      "test",
      join(folder, "thrower.memflow.ts"),
      "--args",
      ":unit=7",
      "--json",
    ]);
    const report = JSON.parse(thrower.stdout) as {
      failed: number;
      checks: { id: string; ok: boolean; message: string }[];
    };
    const create = report.checks.find((check) => check.id === "create");
    expect(create?.ok).toBe(false);
    expect(create?.message).toContain("device 7 is not attached");
    expect(thrower.code).toBe(ExitCode.failed);
  }, 60_000);

  test("a TypeScript file not named *.memflow.ts is refused with the naming rule", async () => {
    const plain = bad("plain.ts", "export const x = 1;\n");
    const run = await memflowTs(["plugin", "install", plain]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toContain("a TypeScript plugin file is named <name>.memflow.ts");
  });
});

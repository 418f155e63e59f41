/** plugin new → plugin build → plugin test → plugin install, and build --path / from git, with gcc. */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { TmuxTerminal } from "../../../tooling/testing/tmux.ts";
import { ExitCode } from "../src/index.ts";
import { authoringSandbox } from "./support/authoring-sandbox.ts";

const gcc = requireTool("gcc", "gcc");
const tmux = requireTool("tmux", "tmux");
const { sandbox, home, pluginDir, cli } = authoringSandbox("memflow-ts-authoring-");

describe.skipIf(!gcc.available)("writing a plugin", () => {
  test("new → build → test → install gives a connector the inventory loads", async () => {
    const created = await cli(["plugin", "new", "memconn"]);
    expect(created.code).toBe(ExitCode.ok);
    expect(created.out).toContain(`[=] Created ${join(sandbox, "memconn")}`);
    const project = join(sandbox, "memconn");

    const built = await cli(["plugin", "build"], project);
    expect(built.code).toBe(ExitCode.ok);
    expect(built.out).toMatch(/\[=\] Built .*dist\/libmemflow_memconn_[0-9a-f]{7}\.so/);
    expect(built.out).toContain("connector memconn 0.1.0 (plugin_version 1)");
    // stderr is no terminal here: no spinner is drawn into it.
    expect(built.err).toBe("");
    const library = readdirSync(join(project, "dist")).find((name) => name.endsWith(".so")) ?? "";

    const tested = await cli(
      ["plugin", "test", join("dist", library), "--args", ":size=2m", "--cycles", "20"],
      project,
    );
    expect(tested.out).toMatch(/^\d+ passed, 0 failed$/m);
    expect(tested.out).toContain("pass  ");
    expect(tested.code).toBe(ExitCode.ok);

    const installed = await cli(["plugin", "install", join("dist", library)], project);
    expect(installed.code).toBe(ExitCode.ok);
    expect(
      readdirSync(pluginDir)
        .filter((name) => name.startsWith("libmemflow_memconn_"))
        .sort(),
    ).toEqual([library.replace(/\.so$/, ".meta"), library]);
    const inventory = Inventory.scanPath(pluginDir);
    using connector = inventory.instantiateConnector("memconn", undefined, ":size=1m");
    expect(connector.metadata().realSize).toBe(0x100000n);
  }, 120_000);

  test("plugin test fails with exit 1 and names the failing check", async () => {
    const source = join(sandbox, "noread.c");
    writeFileSync(
      source,
      `#include "memflow-plugin.h"
static void *create(const mf_connector_args *a, int32_t *e) { (void)a; (void)e; return malloc(1); }
static void drop(void *s) { free(s); }
static int64_t read_(void *s, uint64_t a, uint8_t *b, uint64_t l) { (void)s; (void)a; (void)b; (void)l; return 0; }
static mf_metadata meta(void *s) { (void)s; mf_metadata m = { 0xfff, 0x1000, false, 1 }; return m; }
static const mf_connector_ops ops = { .create = create, .drop = drop, .read = read_, .metadata = meta };
MEMFLOW_CONNECTOR(NOREAD, "noread", "0.1.0", "reads nothing", ops);
`,
    );
    const built = await cli(["plugin", "build", sandbox, "--name", "noread", "--out", join(sandbox, "noread-dist")]);
    // The sandbox holds one C file at its top, so the project is that file.
    expect(built.code).toBe(ExitCode.ok);
    const library = readdirSync(join(sandbox, "noread-dist")).find((name) => name.endsWith(".so")) ?? "";
    const tested = await cli(["plugin", "test", join(sandbox, "noread-dist", library), "--cycles", "5", "--json"]);
    expect(tested.code).toBe(ExitCode.failed);
    const report = JSON.parse(tested.out) as { failed: number; checks: { id: string; ok: boolean }[] };
    expect(report.failed).toBeGreaterThan(0);
    expect(report.checks.find((check) => check.id === "round-trip")?.ok).toBe(false);
  }, 120_000);

  test("build --path installs a C project; build from a git repository checks out --tag", async () => {
    const project = join(sandbox, "gitconn");
    await cli(["plugin", "new", "gitconn", "--dir", project]);
    const local = await cli(["build", "--path", project]);
    expect(local.code).toBe(ExitCode.ok);
    expect(local.out).toMatch(/\[=\] Built .*\.local\/lib\/memflow\/libmemflow_gitconn_[0-9a-f]{7}\.so/);

    const git = requireTool("git", "git");
    if (!git.available) return;
    const sh = (command: string[]) => {
      const run = Bun.spawnSync(command, {
        cwd: project,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@t",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@t",
        },
      });
      if (run.exitCode !== 0) throw new Error(run.stderr.toString());
    };
    sh(["git", "init", "--quiet", "-b", "main"]);
    sh(["git", "add", "-A"]);
    sh(["git", "commit", "--quiet", "-m", "v1"]);
    sh(["git", "tag", "v1"]);
    const cloned = await cli(["build", project, "--tag", "v1"]);
    expect(cloned.code).toBe(ExitCode.ok);
    expect(cloned.out).toContain(`[-] Cloning ${project}`);
    const missing = await cli(["build", project, "--tag", "v9"]);
    expect(missing.code).toBe(ExitCode.failed);
    expect(missing.err).toMatch(/git checkout --quiet v9 failed/);
  }, 120_000);

  test("usage errors exit 2 with the command's help", async () => {
    const result = await cli(["plugin", "new"]);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.err).toContain("Usage: memflow-ts plugin new <name>");
    const group = await cli(["plugin"]);
    expect(group.code).toBe(ExitCode.usage);
    expect(group.err).toContain("'plugin' needs a subcommand");
  });
});

test("a missing project folder is a clear failure", async () => {
  mkdirSync(join(sandbox, "empty"), { recursive: true });
  const result = await cli(["plugin", "build", join(sandbox, "empty")]);
  expect(result.code).toBe(ExitCode.failed);
  expect(result.err).toContain("no C sources");
});

test.skipIf(!gcc.available || !tmux.available)(
  "plugin build spins in a terminal while the compiler works, then leaves only its result",
  async () => {
    const project = join(sandbox, "spinning");
    expect((await cli(["plugin", "new", "spinning"])).code).toBe(ExitCode.ok);
    // A compiler slow enough for the spinner to be seen; the SDK takes $CC first.
    const slowCompiler = join(sandbox, "slow-cc");
    writeFileSync(slowCompiler, '#!/bin/sh\nsleep 2\nexec gcc "$@"\n');
    chmodSync(slowCompiler, 0o755);
    const main = join(import.meta.dir, "../src/main.ts");
    const terminal = TmuxTerminal.start({
      command: `${process.execPath} ${main} plugin build`,
      cwd: project,
      env: { HOME: home, PATH: process.env.PATH ?? "", CC: slowCompiler, TERM: "xterm-256color" },
    });
    try {
      await terminal.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Building spinning \(\d+\.\d s\)/, 10_000);
      const done = await terminal.waitFor(/\[exit \d+\]/, 30_000);
      expect(done).toMatch(/\[=\] Built .*libmemflow_spinning_[0-9a-f]{7}\.so/);
      expect(done).not.toContain("Building spinning");
      expect(done).toContain("[exit 0]");
    } finally {
      terminal.kill();
    }
  },
  60_000,
);

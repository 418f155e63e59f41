/**
 * `plugin new --kind os` and `plugin new --lang ts`: the real executable refusing bad input with
 * clear errors and exit codes, and an OS plugin project taken from new to a chain the CLI reads
 * through. (The generated projects' own tests run in the SDK's scaffold tests.)
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import { buildPlugin, bundledPluginBuild } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { ExitCode } from "../src/index.ts";
import { authoringSandbox } from "./support/authoring-sandbox.ts";
import { runBinary } from "./support/binary.ts";

const gcc = requireTool("gcc", "gcc");
const { sandbox, home, pluginDir, cli } = authoringSandbox("memflow-ts-plugin-new-");

/** The executable in a child process, as a shell runs it. */
const spawned = (args: string[]) => runBinary(["plugin", "new", ...args], { HOME: home }, sandbox);

describe("bad input, from the executable", () => {
  for (const flags of [
    ["--kind", "os"],
    ["--lang", "ts"],
  ]) {
    test(`${flags.join(" ")}: a bad name exits 1 and says what a name must be`, async () => {
      const run = await spawned(["Bad-Name", ...flags]);
      expect(run.code).toBe(ExitCode.failed);
      expect(run.stderr).toMatch(/plugin name.*Bad-Name/);
      expect(existsSync(join(sandbox, "Bad-Name"))).toBe(false);
    });

    test(`${flags.join(" ")}: a folder that is not empty exits 1 and is left alone`, async () => {
      const taken = join(sandbox, `taken${flags[1]}`);
      mkdirSync(taken, { recursive: true });
      writeFileSync(join(taken, "notes.txt"), "mine");
      const run = await spawned(["mine", ...flags, "--dir", taken]);
      expect(run.code).toBe(ExitCode.failed);
      expect(run.stderr).toContain(`${taken} already exists and is not empty`);
      expect(readdirSync(taken)).toEqual(["notes.txt"]);
    });
  }

  test("an unknown --kind or --lang is a usage error (exit 2) naming the choices", async () => {
    const kind = await spawned(["thing", "--kind", "driver"]);
    expect(kind.code).toBe(ExitCode.usage);
    expect(kind.stderr).toContain("unknown --kind 'driver': use connector or os");
    expect(kind.stderr).toContain("Usage: memflow-ts plugin new <name> [--kind connector|os] [--lang c|ts]");
    const lang = await spawned(["thing", "--lang", "rust"]);
    expect(lang.code).toBe(ExitCode.usage);
    expect(lang.stderr).toContain("unknown --lang 'rust': use c or ts");
    const empty = await spawned(["thing", "--kind"]);
    expect(empty.code).toBe(ExitCode.usage);
    expect(existsSync(join(sandbox, "thing"))).toBe(false);
  });

  test("--lang ts --kind os is refused until defineOs lands, with no project left behind", async () => {
    const run = await spawned(["tsos", "--lang", "ts", "--kind", "os"]);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toContain("TypeScript OS layers: after defineOs lands");
    expect(existsSync(join(sandbox, "tsos"))).toBe(false);
  });
});

test("--lang ts creates a TypeScript connector project and says how to test and use it", async () => {
  const created = await cli(["plugin", "new", "sparse", "--lang", "ts"]);
  expect(created.code).toBe(ExitCode.ok);
  expect(created.out).toContain(`[=] Created ${join(sandbox, "sparse")}`);
  expect(created.out).toContain("bun test");
  expect(created.out).toContain("Inventory.scan().register(...)");
  expect(readdirSync(join(sandbox, "sparse", "src"))).toEqual(["sparse.ts"]);
});

describe.skipIf(!gcc.available)("an OS plugin from new to a chain", () => {
  test("new --kind os → build → install gives an OS the CLI reads physical memory through", async () => {
    const created = await cli(["plugin", "new", "memos", "--kind", "os"]);
    expect(created.code).toBe(ExitCode.ok);
    expect(created.out).toContain("memflow-ts read -c dummy::size=4m -o memos 0x1000 16");
    const project = join(sandbox, "memos");

    const built = await cli(["plugin", "build"], project);
    expect(built.code).toBe(ExitCode.ok);
    expect(built.out).toContain("os memos 0.1.0 (plugin_version 1)");
    const library = readdirSync(join(project, "dist")).find((name) => name.endsWith(".so")) ?? "";
    expect((await cli(["plugin", "install", join("dist", library)], project)).code).toBe(ExitCode.ok);
    // The dummy connector, as `memflow-ts setup` installs it.
    buildPlugin(bundledPluginBuild("dummy", pluginDir));

    const inventory = Inventory.scanPath(pluginDir);
    expect(inventory.availableOs()).toContain("memos");
    const read = await cli(["read", "-c", "dummy::size=4m", "-o", "memos::procs=2", "0x1000", "16"]);
    expect(read.err).toBe("");
    expect(read.code).toBe(ExitCode.ok);
    expect(read.out).toContain("00001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00");
    const refused = await cli(["read", "-c", "dummy::size=4m", "-o", "memos::procs=0", "0x1000", "16"]);
    expect(refused.code).toBe(ExitCode.failed);
    expect(refused.err).toContain("argument could not be validated");
  }, 120_000);
});

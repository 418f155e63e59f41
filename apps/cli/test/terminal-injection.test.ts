/**
 * Terminal injection: names, versions, descriptions and paths that come from plugin files,
 * `.meta` files and registries carry escape sequences here (a retitle, a colour, an 8-bit CSI).
 * Whatever a command prints about them, none may reach the terminal raw; JSON stays exact.
 * The setup wizard's part runs in a real terminal, in setup.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatPluginMetadata } from "@memflow-ts/core/plugin-files";
import {
  elfFixture,
  HOST_FIXTURE,
  PUBLIC_KEY_PEM,
  registryFixture,
  sha256,
  startRegistry,
  type TestRegistry,
} from "./registry-server.ts";
import { cli } from "./run-cli.ts";
import { HOSTILE, RAW_CONTROL, startHostileRegistry } from "./support/hostile-registry.ts";
import { buildDummy, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-injection-"));
const home = join(sandbox, "home");
const folder = join(home, ".local", "lib", "memflow");
const extra = join(sandbox, "extra");
let registry: TestRegistry;

/** A plugin file named and described by an attacker, installed as memflowup would. */
function installHostile(): { path: string; digest: string } {
  const bytes = elfFixture(HOST_FIXTURE.file);
  const digest = sha256(bytes);
  const stem = `libmemflow_evil${HOSTILE}_${digest.slice(0, 7)}`;
  const path = join(folder, `${stem}.so`);
  writeFileSync(path, bytes);
  const descriptor = {
    plugin_kind: "connector" as const,
    export_name: "MEMFLOW_CONNECTOR_EVIL",
    file_type: "elf" as const,
    architecture: HOST_FIXTURE.architecture as "x86_64",
    plugin_version: 1,
    name: `evil${HOSTILE}`,
    version: `6.6.6${HOSTILE}`,
    description: `a plugin${HOSTILE}`,
  };
  const meta = (created_at: string) =>
    formatPluginMetadata({ digest, signature: "", created_at, descriptors: [descriptor] });
  writeFileSync(join(folder, `${stem}.meta`), meta("2024-01-01T00:00:00"));
  // An older copy of the same plugin, so that `plugins clean` names it, and a .meta that is not one.
  const older = `libmemflow_evil${HOSTILE}_0000000`;
  copyFileSync(path, join(folder, `${older}.so`));
  writeFileSync(join(folder, `${older}.meta`), meta("2023-01-01T00:00:00").replace(digest, sha256(bytes)));
  writeFileSync(join(folder, `broken${HOSTILE}.meta`), "{");
  return { path, digest };
}

beforeAll(() => {
  mkdirSync(folder, { recursive: true });
  mkdirSync(extra, { recursive: true });
  writeFileSync(join(extra, `notes${HOSTILE}.so`), "not a library\n");
  registry = startRegistry();
  registry.add(registryFixture(HOST_FIXTURE.file));
  if (gcc.available) buildDummy(join(sandbox, "build"));
});
afterAll(async () => {
  await registry.stop();
  rmSync(sandbox, { recursive: true, force: true });
});

const env = { MEMFLOW_PLUGIN_PATH: extra };

function expectPrintable(run: { stdout: string; stderr: string }) {
  expect(run.stdout).not.toMatch(RAW_CONTROL);
  expect(run.stderr).not.toMatch(RAW_CONTROL);
}

describe("what plugin files and .meta files say is escaped", () => {
  let hostile = { path: "", digest: "" };
  beforeAll(() => {
    hostile = installHostile();
  });

  test("list --rejected: the skipped files' lines", async () => {
    const run = await cli(home, ["list", "--rejected"], { env });
    expectPrintable(run);
    expect(run.stdout).toContain("notes\\x1b]0;PWNED\\x07");
  });

  test("doctor: every finding; --json keeps the exact path", async () => {
    const run = await cli(home, ["doctor"], { env });
    expectPrintable(run);
    expect(run.stdout).toContain("notes\\x1b]0;PWNED\\x07");
    const json = JSON.parse((await cli(home, ["doctor", "--json"], { env })).stdout);
    const paths = json.findings.map((finding: { path?: string }) => finding.path);
    expect(paths).toContain(join(extra, `notes${HOSTILE}.so`));
  });

  test("plugins ls: the notes about .meta files", async () => {
    const run = await cli(home, ["plugins", "ls"], { env });
    expectPrintable(run);
    expect(run.stderr).toContain("broken\\x1b]0;PWNED");
    const json = JSON.parse((await cli(home, ["plugins", "ls", "--json"], { env })).stdout);
    expect(json[0].descriptor.version).toBe(`6.6.6${HOSTILE}`);
  });

  test("plugins clean: the reasons, which quote the .meta", async () => {
    const run = await cli(home, ["plugins", "clean", "--dry-run"], { env });
    expectPrintable(run);
    expect(run.stdout).toContain("an older evil\\x1b]0;PWNED");
  });

  test.skipIf(!gcc.available)(
    "demo: the scan's file names",
    async () => {
      const run = await cli(home, ["demo"], { env });
      expectPrintable(run);
      expect(run.stdout).toContain("notes\\x1b]0;PWNED");
    },
    60_000,
  );

  test("config get: a config.json written by someone else", async () => {
    const configHome = join(sandbox, "config-home");
    mkdirSync(join(configHome, ".config", "memflowup"), { recursive: true });
    writeFileSync(
      join(configHome, ".config", "memflowup", "config.json"),
      JSON.stringify({ registry: `https://x${HOSTILE}`, token: null, pub_key_file: null, priv_key_file: null }),
    );
    expectPrintable(await cli(configHome, ["config", "get"]));
    expectPrintable(await cli(configHome, ["config", "get", "registry"]));
  });

  test("plugins rm: the deleted file's name (last: it deletes)", async () => {
    const run = await cli(home, ["plugins", "rm", hostile.digest], { env });
    expect(run.code).toBe(0);
    expectPrintable(run);
  });
});

describe("what a registry says is escaped", () => {
  test("pull --all from a registry that sends escape sequences in names, with the progress drawn", async () => {
    const proxy = startHostileRegistry(registry.url, "names");
    try {
      const pullHome = join(sandbox, "pull-home");
      // A terminal for the progress line, without colours: then any ESC left is the registry's.
      const run = await cli(pullHome, ["pull", "--all", "-r", proxy.url, "-p", PUBLIC_KEY_PEM], {
        stderrIsTTY: true,
        env: { NO_COLOR: "1" },
      });
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      // The progress line draws itself with \r and ESC[2K; nothing else may be raw.
      expect(run.stderr.replaceAll("\r\x1b[2K", "")).not.toMatch(RAW_CONTROL);
      // Shown, escaped (as printable or as JSON quoting writes it: pull now refuses such a name).
      expect(`${run.stdout}${run.stderr}`).toMatch(/\\(x1b|u001b)\]0;PWNED/);
    } finally {
      await proxy.stop();
    }
  });

  test("registry ls -l and a failed pull of a name it sends", async () => {
    const proxy = startHostileRegistry(registry.url, "names");
    try {
      expectPrintable(await cli(home, ["registry", "ls", "-l", "-r", proxy.url]));
      expectPrintable(await cli(home, ["pull", `${HOST_FIXTURE.name}${HOSTILE}:9.9.9`, "-r", proxy.url]));
    } finally {
      await proxy.stop();
    }
  });
});

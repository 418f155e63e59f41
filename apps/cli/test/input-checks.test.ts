/**
 * Input that cannot mean anything is a usage error (exit 2) with a message that says what was
 * wrong, before anything runs: an empty plugin name in a chain, a registry that is not an http(s)
 * URL, a connector name a plugin file does not have, help for a plugin that is not there.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../src/index.ts";
import { cli } from "./run-cli.ts";
import { buildDummy, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-input-"));
const home = join(sandbox, "home");
const plugins = join(sandbox, "plugins");
let dummyPath = "";
beforeAll(() => {
  if (gcc.available) dummyPath = buildDummy(plugins).path;
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const env = { MEMFLOW_PLUGIN_PATH: plugins };

async function usageError(args: string[], message: string) {
  const run = await cli(home, args, { env });
  expect(run.stdout).toBe("");
  expect(run.stderr).toStartWith(`[X] ${message}`);
  expect(run.code).toBe(ExitCode.usage);
  return run;
}

describe("a chain with an empty plugin name", () => {
  test("-c '' is a usage error naming what -c takes", () =>
    usageError(["read", "-c", "", "0", "16"], `-c "" names no plugin: write -c <name[:target[:args]]>`));
  test("-c ':size=1m' too", () => usageError(["read", "-c", "::size=1m", "0", "16"], `-c "::size=1m" names no plugin`));
  test("-o '' after a connector", () =>
    usageError(["read", "-c", "dummy", "-o", "", "0", "16"], `-o "" names no plugin: write -o <name[:target[:args]]>`));
  test("write -c '' as well", () => usageError(["write", "-c", "", "0", "00"], `-c "" names no plugin`));
});

describe("a registry that is not an http(s) URL", () => {
  test("-r ftp://… is refused, not turned into https://ftp//…", async () => {
    const run = await usageError(
      ["registry", "ls", "-r", "ftp://registry.example"],
      `"ftp://registry.example" is not a registry URL: a registry is reached over http:// or https://`,
    );
    expect(run.stderr).not.toContain("https://ftp");
  });

  test("pull with an ftp registry in the plugin URI is refused", () =>
    usageError(["pull", "ftp://registry.example/dummy"], `"ftp://registry.example" is not a registry URL`));

  test("config set registry not-a-url is refused and leaves the config alone", async () => {
    await usageError(["config", "set", "registry", "not-a-url"], `"not-a-url" is not a registry URL: give a URL`);
    expect(existsSync(join(home, ".config", "memflowup", "config.json"))).toBe(false);
  });

  test("a host name alone still gets https://, as memflowup's URIs do", async () => {
    const run = await cli(home, ["config", "set", "registry", "registry.example.org"], { env });
    expect(run).toEqual({ code: ExitCode.ok, stdout: '[=] Set registry = "registry.example.org"\n', stderr: "" });
    expect((await cli(home, ["config", "set", "registry", "http://127.0.0.1:3000/prefix"], { env })).code).toBe(0);
    expect((await cli(home, ["config", "set", "registry", "localhost:3000"], { env })).code).toBe(0);
  });
});

describe.skipIf(!gcc.available)("names a command is asked about", () => {
  test("plugin test --name with a connector the file does not have is refused before any check", async () => {
    const run = await usageError(
      ["plugin", "test", dummyPath, "--name", "nosuch"],
      `--name nosuch: ${dummyPath} has no connector named nosuch`,
    );
    expect(run.stderr).toContain("its connectors: dummy");
  });

  test("help nosuch is a usage error naming the plugins there are", async () => {
    const run = await usageError(["help", "nosuch"], "no connector or os plugin named nosuch");
    expect(run.stderr).toContain("connectors: dummy; os plugins: none");
  });

  test("help nosuch --json prints no JSON, the same usage error", async () => {
    await usageError(["help", "nosuch", "--json"], "no connector or os plugin named nosuch");
  });
});

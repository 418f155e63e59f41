import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ELF_FIXTURES,
  FIXTURES,
  HOST_FIXTURE,
  PRIVATE_KEY_PEM,
  PUBLIC_KEY_PEM,
  registryFixture,
  sha256,
  startRegistry,
  type TestRegistry,
  TOKEN,
} from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-push-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));
/** The host's fixture with a name registries take (`gcc_x86_64`). */
const plugin = registryFixture(HOST_FIXTURE.file);
const pluginFile = join(sandbox, HOST_FIXTURE.file);
writeFileSync(pluginFile, plugin);

let home = "";
let registry: TestRegistry;
beforeEach(() => {
  home = mkdtempSync(join(sandbox, "home-"));
  registry = startRegistry();
});
afterEach(() => registry.stop());

const push = (...args: string[]) => cli(home, ["push", ...args]);
const stored = () => registry.store.find(HOST_FIXTURE.name, { limit: 50 }).plugins.map((variant) => variant.digest);

describe("push", () => {
  test("--file signs and uploads a plugin file; a second push finds it already there", async () => {
    const args = ["--file", pluginFile, "-r", registry.url, "-t", TOKEN, "-p", PRIVATE_KEY_PEM];
    const first = await push(...args);
    expect(first).toEqual({ code: 0, stdout: `[=] Uploaded plugin "${pluginFile}"\n`, stderr: "" });
    expect(stored()).toEqual([sha256(plugin)]);
    const again = await push(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`[-] Plugin "${pluginFile}" already exists with the same digest\n`);
  });

  test("without --file, pushes installed plugins found by name, taking registry, token and key from config.json", async () => {
    registry.add(plugin);
    expect((await cli(home, ["pull", "-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name])).code).toBe(0);
    const target = startRegistry();
    try {
      mkdirSync(join(home, ".config/memflowup"), { recursive: true });
      writeFileSync(
        join(home, ".config/memflowup/config.json"),
        JSON.stringify({ registry: target.url, token: TOKEN, pub_key_file: null, priv_key_file: PRIVATE_KEY_PEM }),
      );
      const run = await push(`${HOST_FIXTURE.name}:0.1.0`);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("[=] Uploaded plugin");
      expect(target.store.find(HOST_FIXTURE.name, { limit: 5 }).plugins).toHaveLength(1);
    } finally {
      await target.stop();
    }
  });

  test("a plugin whose name breaks memflow's rule is refused before it is sent", async () => {
    // The analyzer's fixture as built: its descriptor says gcc-x86_64 (or gcc-aarch64).
    const misnamed = join(ELF_FIXTURES, HOST_FIXTURE.file);
    const run = await push("--file", misnamed, pluginFile, "-r", registry.url, "-t", TOKEN, "-p", PRIVATE_KEY_PEM);
    expect(run.code).toBe(1);
    // The CLI's own words: the registry's answer would be an HTTP 400 starting "Memflow error:".
    expect(run.stderr).toBe(
      `[X] Unable to upload plugin "${misnamed}": plugin name "${HOST_FIXTURE.name.replace("_", "-")}" must be letters, digits and '_' only: ` +
        "it becomes part of a C symbol (MEMFLOW_CONNECTOR_<NAME>) and of the plugin's file name\n" +
        "    rename the plugin in its descriptor and build it again; nothing was uploaded\n",
    );
    // The other file still goes up.
    expect(run.stdout).toBe(`[=] Uploaded plugin "${pluginFile}"\n`);
    expect(registry.store.names().map((entry) => entry.name)).toEqual([HOST_FIXTURE.name]);
  });

  test("a name that is not installed fails with exit code 1 before anything is uploaded", async () => {
    const run = await push("nope", "-r", registry.url, "-t", TOKEN, "-p", PRIVATE_KEY_PEM);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("[X] Plugin `nope` not found");
    expect(run.stderr).toContain("memflow-ts plugins ls");
  });

  test("without a private key it fails as memflowup does (exit 1)", async () => {
    const run = await push("--file", pluginFile, "-r", registry.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("[X] Private key file is required for signing.");
    expect(stored()).toEqual([]);
  });

  test("a SEC1 private key is refused with the openssl command that converts it", async () => {
    const run = await push(
      "--file",
      pluginFile,
      "-r",
      registry.url,
      "-t",
      TOKEN,
      "-p",
      join(FIXTURES, "signatures/sec1-private-key.pem"),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("openssl pkcs8 -topk8 -nocrypt");
  });

  test("a wrong token or an untrusted key fails with exit 1 and says what to check", async () => {
    const wrongToken = await push("--file", pluginFile, "-r", registry.url, "-t", "wrong", "-p", PRIVATE_KEY_PEM);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain(
      `[X] Unable to upload plugin "${pluginFile}": POST ${registry.url}/files answered HTTP 401`,
    );
    expect(wrongToken.stderr).toContain("--token");

    // Another valid secp256k1 key (PKCS#8 around the secret 0x0101…01): not the one the registry trusts.
    const der = Buffer.from(
      `303e020100301006072a8648ce3d020106052b8104000a042730250201010420${"01".repeat(32)}`,
      "hex",
    );
    const otherKey = join(home, "other.pem");
    writeFileSync(otherKey, `-----BEGIN PRIVATE KEY-----\n${der.toString("base64")}\n-----END PRIVATE KEY-----\n`);
    const untrusted = await push("--file", pluginFile, "-r", registry.url, "-t", TOKEN, "-p", otherKey);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("HTTP 400");
    expect(untrusted.stderr).toContain("the registry does not trust this key");
    expect(stored()).toEqual([]);
  });

  test("every file is tried; one failure makes the exit code 1", async () => {
    const missing = join(home, "missing.so");
    const run = await push("--file", missing, pluginFile, "-r", registry.url, "-t", TOKEN, "-p", PRIVATE_KEY_PEM);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`[X] Unable to upload plugin "${missing}": unable to read`);
    expect(run.stdout).toContain(`[=] Uploaded plugin "${pluginFile}"`);
  });

  test("a file that is not a plugin is refused by the registry (exit 1)", async () => {
    const notPlugin = join(home, "notes.so");
    writeFileSync(notPlugin, "hello");
    const run = await push("-f", notPlugin, "-r", registry.url, "-t", TOKEN, "-p", PRIVATE_KEY_PEM);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 400");
  });

  test("push with no arguments is a usage error (exit 2)", async () => {
    expect((await push()).code).toBe(2);
  });
});

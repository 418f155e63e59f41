import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { Inventory } from "@memflow-ts/core";
import { startFaultyProxy } from "./faulty-proxy.ts";
import {
  elfFixture,
  FIXTURES,
  HOST_FIXTURE,
  PUBLIC_KEY_PEM,
  rebuilt,
  registryFixture,
  sha256,
  sign,
  startRegistry,
  type TestRegistry,
} from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-pull-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));
const x64 = arch() === "x64";
/** The host's fixture as registries take it, named gcc_x86_64 (or gcc_aarch64). */
const hostPlugin = registryFixture(HOST_FIXTURE.file);

/** secp256k1's group order. */
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The other valid signature of the same (r, s): s replaced by n − s, as `openssl dgst -sign` writes half the time. */
function highS(signature: string): string {
  const der = Buffer.from(signature, "hex");
  const rLength = der[3] ?? 0;
  const r = der.subarray(2, 4 + rLength);
  const s = BigInt(`0x${der.subarray(6 + rLength).toString("hex")}`);
  const high = Buffer.from((ORDER - s).toString(16).padStart(64, "0"), "hex");
  const integer = Buffer.concat([Buffer.from([0x02, high.length + 1, 0]), high]);
  return Buffer.concat([Buffer.from([0x30, r.length + integer.length]), r, integer]).toString("hex");
}

let home = "";
let pluginDir = "";
let registry: TestRegistry | undefined;
beforeEach(() => {
  home = mkdtempSync(join(sandbox, "home-"));
  pluginDir = join(home, ".local/lib/memflow");
});
afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

/**
 * A registry holding what memflow-ts-server refuses to take, as an older registry may: the
 * host's fixture as built, listed under `name`, in a memflow-registry volume (served as is).
 */
function registryHolding(name: string): TestRegistry {
  const file = elfFixture(HOST_FIXTURE.file);
  const digest = sha256(file);
  const meta = JSON.stringify({
    digest,
    signature: sign(file),
    created_at: "2024-04-06T20:49:56.440891100",
    descriptors: [{ ...parseDescriptors(file)[0], name }],
  });
  return startRegistry({ volume: { [`${digest}.plugin`]: file, [`${digest}.meta`]: meta } });
}

const pull = (...args: string[]) => cli(home, ["pull", ...args]);
const installed = () => (existsSync(pluginDir) ? readdirSync(pluginDir).sort() : []);

describe("pull", () => {
  test.skipIf(!x64)("writes the plugin and a .meta byte for byte as memflowup writes it", async () => {
    // The fixtures are memflow-registry's and memflowup's files for the analyzer's fixture as
    // built (gcc-x86_64); the same files for its renamed copy differ in name, digest and signature.
    const digest = sha256(hostPlugin);
    const signature = sign(hostPlugin);
    const stored = readFileSync(join(FIXTURES, "meta/registry-storage.meta"), "utf8");
    const asBuilt = JSON.parse(stored) as { digest: string; signature: string };
    const renamed = (text: string) =>
      text
        .replace(asBuilt.digest, digest)
        .replace(asBuilt.signature, signature)
        .replace('"gcc-x86_64"', '"gcc_x86_64"');
    registry = startRegistry({ volume: { [`${digest}.plugin`]: hostPlugin, [`${digest}.meta`]: renamed(stored) } });
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, "gcc_x86_64");
    expect(run.code).toBe(0);
    const file = `libmemflow_gcc_x86_64_${digest.slice(0, 7)}`;
    expect(installed()).toEqual([`${file}.meta`, `${file}.so`]);
    expect(readFileSync(join(pluginDir, `${file}.meta`), "utf8")).toBe(
      renamed(readFileSync(join(FIXTURES, "meta/memflowup-pulled.meta"), "utf8")),
    );
    expect(sha256(readFileSync(join(pluginDir, `${file}.so`)))).toBe(digest);
    expect(run.stdout).toBe(
      `[=] Wrote plugin to: "${pluginDir}/${file}.so"\n` +
        `[=] Wrote plugin metadata to: "${pluginDir}/${file}.meta"\n`,
    );
    expect(run.stderr).toBe("");
  });

  test("refuses a registry's plugin whose name breaks memflow's rule, and installs nothing", async () => {
    // The analyzer's fixture as built: gcc-x86_64 (or gcc-aarch64).
    const name = HOST_FIXTURE.name.replace("_", "-");
    registry = registryHolding(name);
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, name);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `[X] Error downloading plugin "${name}": the registry offers a plugin whose name breaks memflow's rule: ` +
        `plugin name "${name}" must be letters, digits and '_' only: ` +
        "it becomes part of a C symbol (MEMFLOW_CONNECTOR_<NAME>) and of the plugin's file name\n" +
        "    nothing was installed; report this to the registry's maintainers\n",
    );
    expect(installed()).toEqual([]);
  });

  test("refuses a registry's plugin named with terminal controls, showing them escaped", async () => {
    const name = "evil\u001b]0;owned\u0007";
    registry = registryHolding(name);
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, name);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the registry offers a plugin whose name breaks memflow's rule");
    expect(run.stderr).toContain("evil\\u001b]0;owned\\u0007");
    expect(run.stderr).not.toContain("\u001b");
    expect(installed()).toEqual([]);
  });

  test("accepts a low-S signature in lowercase hex, as openssl writes it", async () => {
    registry = startRegistry();
    registry.add(hostPlugin, sign(hostPlugin).toLowerCase());
    expect((await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name)).code).toBe(0);
    expect(installed()).toHaveLength(2);
  });

  test("refuses a high-S signature, says to re-sign, and installs nothing", async () => {
    registry = startRegistry({ verify: false });
    registry.add(hostPlugin, highS(sign(hostPlugin)));
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `[X] Error downloading plugin "${HOST_FIXTURE.name}": Plugin signature verification failed`,
    );
    expect(run.stderr).toContain("high-S");
    expect(run.stderr).toContain("re-sign with memflow-ts push/memflowup");
    expect(installed()).toEqual([]);
  });

  test("refuses a plugin the official key did not sign, pointing self-hosters at --pub-key", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    const run = await pull("-r", registry.url, HOST_FIXTURE.name);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Plugin signature verification failed");
    expect(run.stderr).toContain("in case you're using a self-hosted registry");
    expect(run.stderr).toContain("--pub-key <pem>");
    expect(installed()).toEqual([]);
  });

  test("asks for the newest build with this machine's ABI, file type and architecture", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    const proxy = startFaultyProxy(registry.url);
    try {
      expect((await pull("-r", proxy.url, "-p", PUBLIC_KEY_PEM, `${HOST_FIXTURE.name}:0.1.0`)).code).toBe(0);
      expect(proxy.requests[0]).toBe(
        `/plugins/${HOST_FIXTURE.name}?version=0.1.0&memflow_plugin_version=1&limit=1&file_type=elf&architecture=${HOST_FIXTURE.architecture}`,
      );
      expect(proxy.requests.slice(1)).toEqual([
        `/files/${sha256(hostPlugin)}/metadata`,
        `/files/${sha256(hostPlugin)}`,
      ]);
    } finally {
      proxy.stop();
    }
  });

  test.skipIf(!x64)("does not pull a plugin built for another ABI, and says what the registry has", async () => {
    registry = startRegistry();
    registry.add(registryFixture("x86_64-plugin-version-2.so"));
    registry.add(registryFixture("aarch64-gcc.so"));
    const abi = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, "plugin_version_2");
    expect(abi.code).toBe(1);
    expect(abi.stderr).toContain("not found for this machine (elf/x86_64, plugin ABI 1)");
    expect(abi.stderr).toContain("the registry has it only for: elf/x86_64 ABI 2");
    const other = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, "gcc_aarch64");
    expect(other.stderr).toContain("the registry has it only for: elf/arm64 ABI 1");
    expect(installed()).toEqual([]);
  });

  test("an unknown plugin fails with exit code 1 and a way to list the registry", async () => {
    registry = startRegistry();
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, "nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `[X] Error downloading plugin "nope": plugin \`${registry.url}/nope:latest\` not found\n` +
        `    list what the registry has: memflow-ts registry ls -r ${registry.url}\n`,
    );
  });

  test("skips a file already installed, downloads again with --force, and restores a lost .meta", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    const args = ["-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name];
    expect((await pull(...args)).code).toBe(0);
    const fileName = `libmemflow_${HOST_FIXTURE.name}_${sha256(hostPlugin).slice(0, 7)}`;
    const again = await pull(...args);
    expect(again.stdout).toBe(
      `[-] Plugin "${fileName}.so" already exists with the same checksum, skipping download.\n`,
    );

    rmSync(join(pluginDir, `${fileName}.meta`));
    const restored = await pull(...args);
    expect(restored.stdout).toContain("skipping download");
    expect(restored.stdout).toContain(`Wrote plugin metadata to: "${join(pluginDir, `${fileName}.meta`)}"`);

    writeFileSync(join(pluginDir, `${fileName}.so`), "damaged");
    const repaired = await pull(...args);
    expect(repaired.stdout).toContain("already exists with a different checksum, redownloading.");
    expect(sha256(readFileSync(join(pluginDir, `${fileName}.so`)))).toBe(sha256(hostPlugin));

    const forced = await pull(...args, "--force");
    expect(forced.stdout).toContain("Wrote plugin to:");
    expect(installed()).toEqual([`${fileName}.meta`, `${fileName}.so`]);
  });

  test("pull --all lists the configured registry, not the official one, and skips other machines' plugins", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    registry.add(rebuilt(hostPlugin, 3));
    registry.add(registryFixture(HOST_FIXTURE.other));
    mkdirSync(join(home, ".config/memflowup"), { recursive: true });
    writeFileSync(
      join(home, ".config/memflowup/config.json"),
      JSON.stringify({ registry: registry.url, token: null, pub_key_file: PUBLIC_KEY_PEM, priv_key_file: null }),
    );
    const run = await pull("--all");
    expect(run.code).toBe(0);
    expect(installed()).toEqual([
      `libmemflow_${HOST_FIXTURE.name}_${sha256(rebuilt(hostPlugin, 3)).slice(0, 7)}.meta`,
      `libmemflow_${HOST_FIXTURE.name}_${sha256(rebuilt(hostPlugin, 3)).slice(0, 7)}.so`,
    ]);
    expect(run.stdout).toContain(`[-] Skipped "${HOST_FIXTURE.otherName}"`);
    expect(run.stdout).toContain(
      "[=] 2 plugins: 1 installed, 0 already up to date, 1 not built for this machine, 0 failed.",
    );
  });

  test("pulls several plugins at once and reports each failure with exit code 1", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    if (x64) registry.add(registryFixture("x86_64-multi.so"));
    const names = x64 ? [HOST_FIXTURE.name, "alpha", "missing"] : [HOST_FIXTURE.name, "missing"];
    const run = await pull("-r", registry.url, "-p", PUBLIC_KEY_PEM, ...names);
    expect(run.code).toBe(1);
    expect(installed()).toHaveLength(x64 ? 4 : 2);
    expect(run.stderr).toContain('Error downloading plugin "missing"');
    expect(run.stderr).toContain(
      `[X] ${names.length} plugins: ${names.length - 1} installed, 0 already up to date, 1 failed.`,
    );
  });

  test("shows download progress on stderr only when stderr is a terminal", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    const args = ["pull", "-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name];
    const quietRun = await cli(home, args);
    expect(quietRun.stderr).toBe("");
    const terminal = await cli(home, [...args, "--force"], { stderrIsTTY: true });
    expect(terminal.code).toBe(0);
    expect(terminal.stderr.startsWith("\r\x1b[2K[")).toBe(true);
    expect(terminal.stderr).toMatch(/\[#*>?-*\] [\d.]+ K?i?B\/[\d.]+ KiB /);
    expect(terminal.stderr).toContain(`${HOST_FIXTURE.name}:latest`);
    expect(terminal.stderr.endsWith("\r\x1b[2K")).toBe(true);
  });

  test("--quiet prints nothing when everything works", async () => {
    registry = startRegistry();
    registry.add(hostPlugin);
    const run = await pull("-q", "-r", registry.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name);
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("usage errors exit 2: nothing to pull, or URIs together with --all", async () => {
    expect((await pull()).code).toBe(2);
    const both = await pull("--all", "coredump");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("[X] give plugin URIs or --all, not both");
    expect((await pull("--frobnicate", "x")).code).toBe(2);
  });

  test("a broken config.json is a failure that names the file", async () => {
    mkdirSync(join(home, ".config/memflowup"), { recursive: true });
    writeFileSync(join(home, ".config/memflowup/config.json"), "{not json");
    const run = await pull("coredump");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `[X] the config file ${join(home, ".config/memflowup/config.json")} is not valid JSON`,
    );
  });

  test("an unreadable public key fails before anything is downloaded", async () => {
    const run = await pull("-p", join(home, "missing.pem"), "coredump");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unable to read the public key");
  });
});

describe("an interrupted or corrupted download", () => {
  for (const fault of ["truncate", "corrupt", "server-error"] as const) {
    test(`(${fault}) leaves nothing the inventory would load`, async () => {
      registry = startRegistry();
      registry.add(hostPlugin);
      const proxy = startFaultyProxy(registry.url);
      proxy.fault = fault;
      mkdirSync(pluginDir, { recursive: true });
      try {
        const run = await pull("-r", proxy.url, "-p", PUBLIC_KEY_PEM, HOST_FIXTURE.name);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain({ truncate: "broke off", corrupt: "sha256", "server-error": "HTTP 500" }[fault]);
        expect(installed()).toEqual([]);
        const inventory = Inventory.scanPath(pluginDir);
        expect(inventory.plugins()).toHaveLength(0);
        expect(inventory.rejected()).toHaveLength(0);
      } finally {
        proxy.stop();
      }
    });
  }
});

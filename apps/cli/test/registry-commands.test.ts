import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HOST_FIXTURE,
  rebuilt,
  registryFixture,
  sha256,
  startRegistry,
  type TestRegistry,
  TOKEN,
} from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const home = mkdtempSync(join(tmpdir(), "memflow-ts-registry-commands-"));
const host = registryFixture(HOST_FIXTURE.file);
const newer = rebuilt(host, 9);
const other = registryFixture(HOST_FIXTURE.other);
let registry: TestRegistry;

beforeAll(() => {
  registry = startRegistry();
  for (const file of [host, newer, other]) registry.add(file);
});
afterAll(async () => {
  await registry.stop();
  rmSync(home, { recursive: true, force: true });
});

const created = (digest: string) => {
  const variant = registry.store
    .find(HOST_FIXTURE.name, { limit: 50 })
    .plugins.find((entry) => entry.digest === digest);
  return variant?.created_at ?? "";
};
const row = (name: string, digest: string, architecture: string, createdAt: string) =>
  `${name.padEnd(16)} 0.1.0            ${`elf/${architecture}`.padEnd(12)} 1    ${digest.slice(0, 7)}  ${digest}  ${createdAt.replace("T", " ")}\n`;
const header =
  "NAME             VERSION          ARCH         ABI  DIGEST   DIGEST_LONG                                                       CREATED\n";

describe("registry ls", () => {
  test("lists names and descriptions in memflowup's columns", async () => {
    const run = await cli(home, ["registry", "ls", "-r", registry.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "NAME             DESCRIPTION\n" +
        "gcc_aarch64      aarch64 RELA relocations\n" +
        "gcc_x86_64       x86_64 shared object built by gcc and GNU ld\n",
    );
  });

  test("takes -r before the subcommand, as memflowup does, and `list` for `ls`", async () => {
    const before = await cli(home, ["registry", "-r", registry.url, "list"]);
    const after = await cli(home, ["registry", "list", "--registry", registry.url]);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(after.stdout);
    expect((await cli(home, ["registry", `--registry=${registry.url}`, "ls", "--json"])).code).toBe(0);
  });

  test("<name> lists this machine's variants newest first; -a every architecture; --limit caps them", async () => {
    const shown = HOST_FIXTURE.architecture;
    const run = await cli(home, ["registry", "-r", registry.url, "ls", HOST_FIXTURE.name]);
    expect(run.stdout).toBe(
      header +
        row(HOST_FIXTURE.name, sha256(newer), shown, created(sha256(newer))) +
        row(HOST_FIXTURE.name, sha256(host), shown, created(sha256(host))),
    );
    const limited = await cli(home, ["registry", "ls", HOST_FIXTURE.name, "--limit", "1", "-r", registry.url]);
    expect(limited.stdout.split("\n")).toHaveLength(3);

    const foreign = await cli(home, ["registry", "ls", HOST_FIXTURE.otherName, "-r", registry.url]);
    expect(foreign.stdout).toBe(header);
    expect(foreign.stderr).toContain("-a lists every architecture");
    const all = await cli(home, ["registry", "ls", HOST_FIXTURE.otherName, "--all-architectures", "-r", registry.url]);
    expect(all.stdout.split("\n")).toHaveLength(3);
  });

  test("-l lists the newest variant of each plugin for this machine", async () => {
    const run = await cli(home, ["registry", "ls", "-l", "-r", registry.url]);
    expect(run.stdout).toBe(
      header + row(HOST_FIXTURE.name, sha256(newer), HOST_FIXTURE.architecture, created(sha256(newer))),
    );
    const everywhere = await cli(home, ["registry", "ls", "-l", "-a", "-r", registry.url]);
    expect(everywhere.stdout.split("\n")).toHaveLength(4);
  });

  test("--json prints the registry's own objects", async () => {
    const names = JSON.parse((await cli(home, ["registry", "ls", "--json", "-r", registry.url])).stdout);
    expect(names).toEqual([
      { name: "gcc_aarch64", description: "aarch64 RELA relocations" },
      { name: "gcc_x86_64", description: "x86_64 shared object built by gcc and GNU ld" },
    ]);
    const variants = JSON.parse(
      (await cli(home, ["registry", "ls", HOST_FIXTURE.name, "--json", "-r", registry.url])).stdout,
    );
    expect(variants.map((variant: { digest: string }) => variant.digest)).toEqual([sha256(newer), sha256(host)]);
    expect(Object.keys(variants[0])).toEqual(["digest", "signature", "created_at", "descriptor"]);
    expect(variants[0].descriptor.name).toBe(HOST_FIXTURE.name);
  });

  test("uses the registry from config.json; an unreachable registry exits 1 with what to check", async () => {
    const configured = mkdtempSync(join(home, "configured-"));
    mkdirSync(join(configured, ".config/memflowup"), { recursive: true });
    writeFileSync(
      join(configured, ".config/memflowup/config.json"),
      JSON.stringify({ registry: registry.url, token: null, pub_key_file: null, priv_key_file: null }),
    );
    expect((await cli(configured, ["registry", "ls"])).stdout).toContain("gcc_x86_64");
    const down = await cli(home, ["registry", "ls", "-r", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("[X] Unable to list the registry: cannot reach http://127.0.0.1:9");
    expect(down.stderr).toContain("memflow-ts config get registry");
  });

  test("a bad --limit and a missing subcommand are usage errors (exit 2)", async () => {
    expect((await cli(home, ["registry", "ls", "--limit", "many", "-r", registry.url])).code).toBe(2);
    const bare = await cli(home, ["registry"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("registry needs a subcommand: ls or rm");
    expect((await cli(home, ["registry", "-r", registry.url, "frobnicate"])).code).toBe(2);
  });
});

describe("registry rm", () => {
  test("deletes by a short digest, with the token; a second delete fails with exit 1", async () => {
    const local = startRegistry();
    try {
      local.add(host);
      local.add(newer);
      const digest = sha256(host);
      const wrong = await cli(home, ["registry", "-r", local.url, "rm", digest, "-t", "wrong"]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("[X] Unable to delete plugin entry from registry:");
      expect(wrong.stderr).toContain("--token");

      const run = await cli(home, ["registry", "-r", local.url, "rm", digest.slice(0, 7), "-t", TOKEN]);
      expect(run).toEqual({ code: 0, stdout: `[=] Deleted plugin file ${digest} from ${local.url}\n`, stderr: "" });
      expect(local.store.find(HOST_FIXTURE.name, { limit: 50 }).plugins.map((entry) => entry.digest)).toEqual([
        sha256(newer),
      ]);

      const again = await cli(home, ["registry", "rm", digest, "-t", TOKEN, "-r", local.url]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("HTTP 404");
    } finally {
      await local.stop();
    }
  });

  test("an unknown short digest exits 1; a non-hex one is a usage error", async () => {
    const unknown = await cli(home, ["registry", "rm", "0000000", "-r", registry.url, "-t", TOKEN]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("has a digest starting with 0000000");
    expect((await cli(home, ["registry", "rm", "xyz", "-r", registry.url])).code).toBe(2);
  });
});

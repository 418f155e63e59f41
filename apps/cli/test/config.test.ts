import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFilePath, maskToken } from "../src/config/memflowup-config.ts";
import { testContext } from "./capture.ts";
import { FIXTURES, PRIVATE_KEY_PEM, PUBLIC_KEY_PEM } from "./registry-server.ts";
import { cli } from "./run-cli.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-config-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let home = "";
let configFile = "";
beforeEach(() => {
  home = mkdtempSync(join(sandbox, "home-"));
  configFile = join(home, ".config/memflowup/config.json");
});

function useFixture(name: string): void {
  mkdirSync(join(home, ".config/memflowup"), { recursive: true });
  copyFileSync(join(FIXTURES, "config", name), configFile);
}
const fixture = (name: string) => readFileSync(join(FIXTURES, "config", name), "utf8");
const config = (...args: string[]) => cli(home, ["config", ...args]);

describe("config get", () => {
  test("prints memflowup's config file with the token masked", async () => {
    useFixture("memflowup-config.json");
    expect(await config("get")).toEqual({
      code: 0,
      stdout:
        'registry = "http://my-registry.io"\n' +
        'token = "s3cr********"\n' +
        'pub_key_file = "/home/u/keys/ec-secp256k1-pub-key.pem"\n' +
        'priv_key_file = ""\n',
      stderr: "",
    });
    expect((await config("get", "token")).stdout).toBe("s3cr3t-token\n");
    expect((await config("get", "priv_key_file")).stdout).toBe("");
  });

  test("--json gives the four keys, unset ones as null, the token masked", async () => {
    useFixture("memflowup-config.json");
    expect(JSON.parse((await config("get", "--json")).stdout)).toEqual({
      registry: "http://my-registry.io",
      token: "s3cr********",
      pub_key_file: "/home/u/keys/ec-secp256k1-pub-key.pem",
      priv_key_file: null,
    });
    expect(JSON.parse((await config("get", "registry", "--json")).stdout)).toEqual({
      registry: "http://my-registry.io",
    });
  });

  test("an unset registry reads as the official one, from {} or from no file at all", async () => {
    expect((await config("get", "registry")).stdout).toBe("https://registry.memflow.io\n");
    useFixture("fresh.json");
    expect((await config("get", "registry")).stdout).toBe("https://registry.memflow.io\n");
    expect((await config("get")).stdout).toBe('registry = ""\ntoken = ""\npub_key_file = ""\npriv_key_file = ""\n');
  });

  test("an unknown key is a usage error with memflowup's message", async () => {
    const run = await config("get", "colour");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "[X] Config option `colour` does not exist. Valid options are: registry, token, pub_key_file, priv_key_file\n",
    );
  });

  test("masks as memflowup does: four characters shown only when longer than six", () => {
    expect(maskToken("abcdefg")).toBe("abcd***");
    expect(maskToken("abcdef")).toBe("******");
    expect(maskToken("")).toBe("");
  });
});

describe("config set / unset", () => {
  test("unset writes memflowup's compact JSON with null for unset keys, byte for byte", async () => {
    useFixture("memflowup-config.json");
    expect(await config("unset", "token")).toEqual({ code: 0, stdout: "[=] Unset token\n", stderr: "" });
    expect(readFileSync(configFile, "utf8")).toBe(fixture("after-unset-token.json"));
  });

  test("set without a value unsets, as in memflowup", async () => {
    useFixture("memflowup-config.json");
    expect((await config("set", "token")).code).toBe(0);
    expect(readFileSync(configFile, "utf8")).toBe(fixture("after-unset-token.json"));
  });

  test("creates the file owner-readable only, in memflowup's key order", async () => {
    expect((await config("set", "token", "abcdefghij")).stdout).toBe('[=] Set token = "abcd******"\n');
    expect((await config("set", "registry", "http://127.0.0.1:3000")).code).toBe(0);
    expect(readFileSync(configFile, "utf8")).toBe(
      '{"registry":"http://127.0.0.1:3000","token":"abcdefghij","pub_key_file":null,"priv_key_file":null}',
    );
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
  });

  test("key files are checked and stored as absolute paths", async () => {
    mkdirSync(join(home, "keys"));
    copyFileSync(PUBLIC_KEY_PEM, join(home, "keys/pub.pem"));
    copyFileSync(PRIVATE_KEY_PEM, join(home, "keys/priv.pem"));
    expect((await config("set", "pub_key_file", "keys/pub.pem")).code).toBe(0);
    expect((await config("set", "priv_key_file", "keys/priv.pem")).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile, "utf8"))).toEqual({
      registry: null,
      token: null,
      pub_key_file: realpathSync(join(home, "keys/pub.pem")),
      priv_key_file: realpathSync(join(home, "keys/priv.pem")),
    });
  });

  test("an invalid value fails with exit 1 and leaves the file as it was", async () => {
    useFixture("memflowup-config.json");
    const wrongKind = await config("set", "pub_key_file", PRIVATE_KEY_PEM);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toContain("[X] Error setting config option `pub_key_file`:");
    const sec1 = await config("set", "priv_key_file", join(FIXTURES, "signatures/sec1-private-key.pem"));
    expect(sec1.code).toBe(1);
    expect(sec1.stderr).toContain("openssl pkcs8");
    const missing = await config("set", "priv_key_file", "nowhere.pem");
    expect(missing.stderr).toContain("it does not exist");
    // A registry that is no URL is a usage error.
    expect((await config("set", "registry", "http://exa mple")).code).toBe(2);
    expect(readFileSync(configFile, "utf8")).toBe(fixture("memflowup-config.json"));
  });

  test("unknown keys and missing keys are usage errors", async () => {
    expect((await config("set", "colour", "blue")).code).toBe(2);
    expect((await config("unset")).code).toBe(2);
    expect((await config("set")).code).toBe(2);
  });

  test("a config.json that is not JSON is reported with the file name", async () => {
    mkdirSync(join(home, ".config/memflowup"), { recursive: true });
    writeFileSync(configFile, "[]");
    const run = await config("get");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the config file ${configFile} does not hold a JSON object`);
  });
});

test("on Windows memflowup's Documents\\config.json is used when it exists, else Documents\\memflowup", () => {
  const { context } = testContext({ home: "C:\\Users\\u", cwd: "C:\\", platform: "win32" });
  expect(configFilePath(context)).toBe("C:\\Users\\u\\Documents\\memflowup\\config.json");
});

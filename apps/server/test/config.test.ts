import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, readConfig } from "../src/config.ts";
import { parseListenAddress } from "../src/listen-address.ts";

const secure = { MEMFLOW_PUBLIC_KEY_FILE: "key.pem", MEMFLOW_BEARER_TOKEN: "t" };

describe("configuration", () => {
  test("reads memflow-registry's variables, binding loopback by default", () => {
    expect(readConfig([], secure)).toEqual({
      kind: "run",
      config: {
        address: { hostname: "127.0.0.1", port: 3000 },
        storageRoot: ".storage",
        shared: undefined,
        upstream: undefined,
        publicKeyFiles: ["key.pem"],
        bearerToken: "t",
        insecure: false,
        inventoryToken: undefined,
        inventoryAllowRemote: false,
        pluginDirectories: undefined,
        pluginLogLevel: "info",
        inventorySettings: {
          plugins: [],
          dataDirectories: [],
          maxSessions: 8,
          createTimeoutMs: 30_000,
          requestTimeoutMs: 10_000,
          idleTimeoutMs: 300_000,
        },
        maxUploads: 16,
        uploadMiBPerSecond: 64,
      },
    });
    const request = readConfig([], { ...secure, MEMFLOW_ADDR: "0.0.0.0:8080", MEMFLOW_STORAGE_ROOT: "/data" });
    expect(request.kind === "run" && request.config.address).toEqual({ hostname: "0.0.0.0", port: 8080 });
    expect(request.kind === "run" && request.config.storageRoot).toBe("/data");
  });

  test("shared storage wants DATABASE_URL and S3_BUCKET together, and takes Bun's S3_* variables", () => {
    const shared = readConfig([], {
      ...secure,
      DATABASE_URL: "postgres://registry@db/registry",
      S3_BUCKET: "plugins",
      S3_ENDPOINT: "http://s3:9000",
      S3_REGION: "eu-1",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(shared.kind === "run" && shared.config.shared).toEqual({
      databaseUrl: "postgres://registry@db/registry",
      s3: {
        bucket: "plugins",
        endpoint: "http://s3:9000",
        region: "eu-1",
        accessKeyId: "id",
        secretAccessKey: "secret",
      },
    });
    const both = { ...secure, DATABASE_URL: "postgres://db/r", S3_BUCKET: "plugins" };
    const redirecting = readConfig([], { ...both, MEMFLOW_TS_S3_REDIRECT_SECONDS: "300" });
    expect(redirecting.kind === "run" && redirecting.config.shared?.redirectSeconds).toBe(300);
    expect(() => readConfig([], { ...both, MEMFLOW_TS_S3_REDIRECT_SECONDS: "0" })).toThrow(/from 1 to 604800/);
    expect(() => readConfig([], { ...secure, DATABASE_URL: "postgres://db/r" })).toThrow(/set S3_BUCKET/);
    expect(() => readConfig([], { ...secure, S3_BUCKET: "plugins" })).toThrow(/set DATABASE_URL too/);
  });

  test("a mirror names its upstream and the upstream's key, which only --insecure may leave out", () => {
    const mirror = readConfig(["--upstream", "https://registry.memflow.xyz/"], {
      ...secure,
      MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE: "up.pem, up2.pem",
    });
    expect(mirror.kind === "run" && mirror.config.upstream).toEqual({
      url: "https://registry.memflow.xyz",
      publicKeyFiles: ["up.pem", "up2.pem"],
    });
    const fromEnv = readConfig([], {
      ...secure,
      MEMFLOW_UPSTREAM: "http://127.0.0.1:3001",
      MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE: "up.pem",
    });
    expect(fromEnv.kind === "run" && fromEnv.config.upstream?.url).toBe("http://127.0.0.1:3001");
    expect(() => readConfig([], { ...secure, MEMFLOW_UPSTREAM: "http://127.0.0.1:3001" })).toThrow(
      /no upstream key: set MEMFLOW_UPSTREAM_PUBLIC_KEY_FILE/,
    );
    expect(() => readConfig(["--upstream", "ftp://x"], secure)).toThrow(/not an http or https URL/);
    const insecure = readConfig(["--insecure", "--upstream", "http://127.0.0.1:3001"], {});
    expect(insecure.kind === "run" && insecure.config.upstream?.publicKeyFiles).toEqual([]);
  });

  test("flags override the environment; several keys may be given", () => {
    const request = readConfig(
      ["--addr", "[::1]:9000", "--public-key-file", "a.pem", "--public-key-file", "b.pem", "--storage-root", "s"],
      { ...secure, MEMFLOW_ADDR: "0.0.0.0:1" },
    );
    expect(request.kind === "run" && request.config).toMatchObject({
      address: { hostname: "::1", port: 9000 },
      publicKeyFiles: ["a.pem", "b.pem"],
      storageRoot: "s",
    });
    const listed = readConfig([], { ...secure, MEMFLOW_PUBLIC_KEY_FILE: "a.pem, b.pem" });
    expect(listed.kind === "run" && listed.config.publicKeyFiles).toEqual(["a.pem", "b.pem"]);
  });

  test("refuses to start without a key or a token unless --insecure, saying what to set", () => {
    expect(() => readConfig([], {})).toThrow(ConfigError);
    expect(() => readConfig([], {})).toThrow(/MEMFLOW_PUBLIC_KEY_FILE[\s\S]*MEMFLOW_BEARER_TOKEN[\s\S]*--insecure/);
    expect(() => readConfig([], { MEMFLOW_PUBLIC_KEY_FILE: "k.pem", MEMFLOW_BEARER_TOKEN: "" })).toThrow(
      /no bearer token/,
    );
    const insecure = readConfig(["--insecure"], {});
    expect(insecure.kind === "run" && insecure.config.insecure).toBe(true);
  });

  test("the inventory is off unless its token is set", () => {
    const off = readConfig([], secure);
    expect(off.kind === "run" && off.config.inventoryToken).toBeUndefined();
    const on = readConfig(["--plugin-dir", "/p", "--inventory-allow-remote"], {
      ...secure,
      MEMFLOW_TS_INVENTORY_TOKEN: "inventory-token-0123",
    });
    expect(on.kind === "run" && on.config).toMatchObject({
      inventoryToken: "inventory-token-0123",
      inventoryAllowRemote: true,
      pluginDirectories: ["/p"],
    });
  });

  test("the plugin log level is info unless set; the flag beats the variable; a bad one stops the start", () => {
    const set = readConfig([], { ...secure, MEMFLOW_TS_PLUGIN_LOG_LEVEL: "Debug" });
    expect(set.kind === "run" && set.config.pluginLogLevel).toBe("debug");
    const flag = readConfig(["--plugin-log-level", "off"], { ...secure, MEMFLOW_TS_PLUGIN_LOG_LEVEL: "trace" });
    expect(flag.kind === "run" && flag.config.pluginLogLevel).toBe("off");
    expect(() => readConfig([], { ...secure, MEMFLOW_TS_PLUGIN_LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => readConfig(["--plugin-log-level", "loud"], secure)).toThrow(
      'MEMFLOW_TS_PLUGIN_LOG_LEVEL: log level "loud" is not one of off, error, warn, info, debug, trace',
    );
  });

  test("uploads at once: 16 unless set, the flag beats the variable, anything but 1 to 1024 stops the start", () => {
    const set = readConfig([], { ...secure, MEMFLOW_TS_MAX_UPLOADS: "2" });
    expect(set.kind === "run" && set.config.maxUploads).toBe(2);
    const flag = readConfig(["--max-uploads", "32"], { ...secure, MEMFLOW_TS_MAX_UPLOADS: "2" });
    expect(flag.kind === "run" && flag.config.maxUploads).toBe(32);
    for (const bad of ["0", "-1", "1.5", "many", "1025"]) {
      expect(() => readConfig([`--max-uploads=${bad}`], secure)).toThrow(
        `--max-uploads / MEMFLOW_TS_MAX_UPLOADS: expected a whole number from 1 to 1024, got ${bad}`,
      );
    }
  });

  test("the upload rate is 64 MiB/s unless set, 0 lifts it; anything but a whole number stops the start", () => {
    const set = readConfig([], { ...secure, MEMFLOW_TS_UPLOAD_RATE: "0" });
    expect(set.kind === "run" && set.config.uploadMiBPerSecond).toBe(0);
    const flag = readConfig(["--upload-rate", "512"], { ...secure, MEMFLOW_TS_UPLOAD_RATE: "0" });
    expect(flag.kind === "run" && flag.config.uploadMiBPerSecond).toBe(512);
    expect(() => readConfig(["--upload-rate=fast"], secure)).toThrow(
      "--upload-rate / MEMFLOW_TS_UPLOAD_RATE: expected a whole number from 0 to 1000000, got fast",
    );
  });

  test("rejects unknown flags and bad addresses with usage", () => {
    expect(() => readConfig(["--token", "x"], secure)).toThrow(/Usage: memflow-ts-server/);
    expect(() => readConfig([], { ...secure, MEMFLOW_ADDR: "nowhere" })).toThrow(/is not host:port/);
    expect(readConfig(["--help"], {})).toEqual({ kind: "help" });
    expect(readConfig(["-V"], {})).toEqual({ kind: "version" });
  });
});

describe("inventory settings", () => {
  const folder = realpathSync(mkdtempSync(join(tmpdir(), "memflow-ts-config-")));
  mkdirSync(join(folder, "dumps"));
  symlinkSync(join(folder, "dumps"), join(folder, "link"));
  writeFileSync(join(folder, "file"), "");
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const on = { ...secure, MEMFLOW_TS_INVENTORY_TOKEN: "inventory-token-0123" };
  const settings = (argv: string[], env: Record<string, string> = {}) => {
    const request = readConfig(argv, { ...on, ...env });
    return request.kind === "run" ? request.config.inventorySettings : undefined;
  };

  test("plugins, data folders and limits come from flags, else variables; folders are canonical", () => {
    expect(
      settings([
        "--inventory-plugin",
        "rawfile:write",
        "--inventory-plugin",
        "dummy",
        "--inventory-data-dir",
        join(folder, "link"),
        "--inventory-max-sessions",
        "2",
        "--inventory-create-timeout",
        "1m",
        "--inventory-request-timeout",
        "500ms",
        "--inventory-idle-timeout",
        "1h",
      ]),
    ).toEqual({
      plugins: [
        { name: "rawfile", write: true },
        { name: "dummy", write: false },
      ],
      dataDirectories: [join(folder, "dumps")],
      maxSessions: 2,
      createTimeoutMs: 60_000,
      requestTimeoutMs: 500,
      idleTimeoutMs: 3_600_000,
    });
    const fromEnv = settings([], {
      MEMFLOW_TS_INVENTORY_PLUGINS: "qemu, kvm:write",
      MEMFLOW_TS_INVENTORY_DATA_DIRS: `${join(folder, "dumps")},${folder}`,
      MEMFLOW_TS_INVENTORY_IDLE_TIMEOUT: "30s",
    });
    expect(fromEnv).toMatchObject({
      plugins: [
        { name: "qemu", write: false },
        { name: "kvm", write: true },
      ],
      dataDirectories: [join(folder, "dumps"), folder],
      idleTimeoutMs: 30_000,
    });
    expect(settings(["--inventory-plugin", "dummy"], { MEMFLOW_TS_INVENTORY_PLUGINS: "rawfile" })?.plugins).toEqual([
      { name: "dummy", write: false },
    ]);
  });

  test("a setting that does not parse stops the start, naming it", () => {
    const refused: [string[], RegExp][] = [
      [["--inventory-plugin", "raw-file"], /--inventory-plugin .*"raw-file" must be letters, digits and '_' only/],
      [["--inventory-plugin", "rawfile:rw"], /"rawfile:rw" is not <name> or <name>:write/],
      [["--inventory-data-dir", join(folder, "missing")], /--inventory-data-dir .*missing" does not exist/],
      [["--inventory-data-dir", join(folder, "file")], /file" is not a folder/],
      [["--inventory-create-timeout", "10"], /--inventory-create-timeout .*"10" is not a duration from 1ms to 24h/],
      [["--inventory-request-timeout", "0s"], /"0s" is not a duration/],
      [["--inventory-idle-timeout", "25h"], /"25h" is not a duration/],
      [["--inventory-max-sessions", "0"], /--inventory-max-sessions .*"0" is not a number from 1 to 1000/],
    ];
    for (const [argv, message] of refused) {
      expect(() => readConfig(argv, on)).toThrow(ConfigError);
      expect(() => readConfig(argv, on)).toThrow(message);
    }
  });

  test("the inventory token must be long and not the upload token; settings without it stop the start", () => {
    expect(() => readConfig([], { ...secure, MEMFLOW_TS_INVENTORY_TOKEN: "short" })).toThrow(
      /MEMFLOW_TS_INVENTORY_TOKEN must be at least 16 characters/,
    );
    const same = "the-same-token-for-both";
    expect(() => readConfig([], { ...secure, MEMFLOW_BEARER_TOKEN: same, MEMFLOW_TS_INVENTORY_TOKEN: same })).toThrow(
      /must differ from MEMFLOW_BEARER_TOKEN/,
    );
    expect(() => readConfig(["--inventory-plugin", "dummy"], secure)).toThrow(
      /inventory settings are given but the inventory is off: set MEMFLOW_TS_INVENTORY_TOKEN/,
    );
    expect(() => readConfig([], { ...secure, MEMFLOW_TS_INVENTORY_IDLE_TIMEOUT: "1m" })).toThrow(/inventory is off/);
  });
});

describe("MEMFLOW_ADDR", () => {
  test("parses IPv4, names and bracketed IPv6", () => {
    expect(parseListenAddress("0.0.0.0:3000")).toEqual({ hostname: "0.0.0.0", port: 3000 });
    expect(parseListenAddress("localhost:0")).toEqual({ hostname: "localhost", port: 0 });
    expect(parseListenAddress("[::1]:8080")).toEqual({ hostname: "::1", port: 8080 });
  });

  test("rejects a missing port, a port out of range and a bare IPv6 address", () => {
    for (const bad of ["127.0.0.1", "127.0.0.1:70000", "::1:3000", ":3000", ""]) {
      expect(() => parseListenAddress(bad)).toThrow(/is not host:port/);
    }
  });
});

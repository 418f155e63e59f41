/**
 * The single-file executables (`bun run build:bin`) of this machine's target, built once here into
 * a temporary folder and run with a fresh HOME from a folder outside the repository: what a user
 * who downloaded them gets, without Bun, node_modules or the sources. The C the executables
 * compile at run time (the plugin host's shim, the SDK's bundled plugins) is embedded as text,
 * so the shim is built both by the system compiler and by Bun's TinyCC from inside the binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin, bundledPluginBuild } from "@memflow-ts/sdk";
import { binPath, buildExecutable, hostBinTarget } from "../../tooling/scripts/build-bin.ts";
import { requireTool } from "../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT } from "../../tooling/testing/timeouts.ts";
import { repoRoot, runCommand } from "../src/process.ts";

const target = hostBinTarget();
if (target === undefined && process.env.CI === "true")
  throw new Error(`no executable target for ${process.platform}-${process.arch}`);
if (target === undefined)
  console.warn(`skipping: bun build --compile has no target for ${process.platform}-${process.arch}`);
// The demo builds the SDK's C dummy plugins with the system compiler, as from sources.
const gcc = requireTool("gcc", "gcc");

const root = mkdtempSync(join(tmpdir(), "memflow-ts-executables-"));
const out = join(root, "bin");
const home = join(root, "home");
const cwd = join(root, "cwd");
const cache = join(root, "cache");
const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: cache, NO_COLOR: "1" };
const version = (app: string) =>
  (JSON.parse(readFileSync(join(repoRoot, "apps", app, "package.json"), "utf8")) as { version: string }).version;

describe.skipIf(target === undefined || !gcc.available)("the executables of this machine's target", () => {
  let cli = "";
  let server = "";

  beforeAll(async () => {
    mkdirSync(cwd, { recursive: true });
    const host = target ?? "linux-x64";
    cli = await buildExecutable(host, "memflow-ts", out);
    server = await buildExecutable(host, "memflow-ts-server", out);
    expect([cli, server]).toEqual([binPath(host, "memflow-ts", out), binPath(host, "memflow-ts-server", out)]);
    // The SDK's dummy connector in the user plugin folder, built from sources.
    buildPlugin(bundledPluginBuild("dummy", join(home, ".local", "lib", "memflow")));
  }, BUILD_HOOK_TIMEOUT);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("--version prints each program's package version", async () => {
    // `--version` and `-V` alone are answered by the CLI's entry; with a global flag first, by cli.ts.
    for (const args of [["--version"], ["-V"], ["--skip-version-check", "--version"]]) {
      expect(await runCommand([cli, ...args], { cwd, env })).toEqual({
        exitCode: 0,
        stdout: `${version("cli")}\n`,
        stderr: "",
      });
    }
    expect(await runCommand([server, "--version"], { cwd, env })).toEqual({
      exitCode: 0,
      stdout: `memflow-ts-server ${version("server")}\n`,
      stderr: "",
    });
  });

  test("demo builds the SDK's dummy connector and OS from the embedded C and runs them", async () => {
    const demo = await runCommand([cli, "demo"], { cwd, env });
    expect({ exitCode: demo.exitCode, stderr: demo.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(demo.stdout).toContain("physically: identical, the layers agree");
    // The bundled plugins were compiled from the SDK's sources written out of the executable.
    expect(readdirSync(join(cache, "memflow-ts")).filter((name) => name.startsWith("sources-")).length).toBe(2);
  }, 60_000);

  test("read -c dummy reads through the plugin in the plugin folder, with either shim compiler", async () => {
    for (const shim of ["system", "tinycc"]) {
      const read = await runCommand([cli, "read", "-c", "dummy::size=1m", "0x1000", "16"], {
        cwd,
        env: { ...env, MEMFLOW_TS_SHIM: shim, XDG_CACHE_HOME: join(root, `cache-${shim}`) },
      });
      expect(read).toEqual({
        exitCode: 0,
        stdout: "00001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n",
        stderr: "",
      });
      const written = readdirSync(join(root, `cache-${shim}`, "memflow-ts"));
      expect(written.filter((name) => name.startsWith("sources-")).length).toBe(1);
      expect(written.some((name) => name.startsWith("shim-"))).toBe(shim === "system");
    }
  }, 60_000);

  test("child processes run the executable's own modules: a TypeScript plugin is made, tested, installed and read", async () => {
    const made = await runCommand([cli, "plugin", "new", "tsdemo", "--lang", "ts"], { cwd, env });
    expect({ exitCode: made.exitCode, stderr: made.stderr }).toEqual({ exitCode: 0, stderr: "" });
    const file = join(cwd, "tsdemo", "src", "tsdemo.memflow.ts");
    // Each runs the file in a child process: the executable started with CHILD_MODULE_VARIABLE.
    const tested = await runCommand([cli, "plugin", "test", file], { cwd, env });
    expect({ exitCode: tested.exitCode, stderr: tested.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(tested.stdout).toMatch(/\b\d+ passed, 0 failed\n$/);
    const installed = await runCommand([cli, "plugin", "install", file], { cwd, env });
    expect({ exitCode: installed.exitCode, stderr: installed.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(await runCommand([cli, "read", "-c", "tsdemo::size=1m", "0x0", "4"], { cwd, env })).toEqual({
      exitCode: 0,
      stdout: "00000000  00 00 00 00                                       |....|\n",
      stderr: "",
    });
  }, 60_000);

  test("plugin new --kind os writes the C OS project from the templates embedded in the executable", async () => {
    const made = await runCommand([cli, "plugin", "new", "cdemo", "--kind", "os"], { cwd, env });
    expect({ exitCode: made.exitCode, stderr: made.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(readFileSync(join(cwd, "cdemo", "src", "cdemo.c"), "utf8")).toContain("cdemo");
  });

  test("the server answers /health, takes an upload through its worker, serves Swagger UI's files and runs an inventory session", async () => {
    const storage = join(root, "storage");
    const token = "a-token-of-32-characters-for-it!";
    const child = Bun.spawn(
      [server, "--insecure", "--addr", "127.0.0.1:0", "--storage-root", storage, "--inventory-plugin", "dummy"],
      {
        cwd,
        env: { ...env, MEMFLOW_TS_INVENTORY_TOKEN: token },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    try {
      const reader = child.stdout.getReader();
      let printed = "";
      while (!printed.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the server stopped: ${await new Response(child.stderr).text()}`);
        printed += new TextDecoder().decode(value);
      }
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
      expect(url).toBeDefined();
      const health = await fetch(`${url}/health`);
      expect({ status: health.status, body: await health.text() }).toEqual({ status: 200, body: '"Ok"' });

      const plugin = buildPlugin(bundledPluginBuild("dummy", join(root, "upload")));
      const form = new FormData();
      form.append("file", new Blob([readFileSync(plugin.path)]), "plugin.so");
      form.append("signature", "");
      const upload = await fetch(`${url}/files`, { method: "POST", body: form });
      expect({ status: upload.status, body: await upload.text() }).toEqual({ status: 200, body: '"Added"' });

      const css = await fetch(`${url}/openapi/assets/swagger-ui.css`);
      expect({ status: css.status, type: css.headers.get("content-type") }).toEqual({
        status: 200,
        type: "text/css; charset=utf-8",
      });
      expect((await css.text()).length).toBeGreaterThan(10_000);

      // A session runs in a child process: the executable, running its session worker module.
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const opened = await fetch(`${url}/api/inventory/sessions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ chain: "-c dummy::size=1m" }),
      });
      const session = (await opened.json()) as { id?: string };
      expect({ status: opened.status, id: typeof session.id }).toEqual({ status: 201, id: "string" });
      const memory = await fetch(`${url}/api/inventory/sessions/${session.id}/memory?address=0x1000&length=4`, {
        headers,
      });
      expect({ status: memory.status, body: await memory.json() }).toEqual({
        status: 200,
        body: { address: "0x1000", length: 4, hex: "00000000" },
      });
    } finally {
      child.kill();
      await child.exited;
    }
  }, 60_000);
});

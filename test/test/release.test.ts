/**
 * Publishing, proven end to end without the public registry: `bun run release -- --registry`
 * against a local Verdaccio, then everything a new user does with what it published.
 *
 * Registries: Verdaccio (test/src/local-registry.ts) has no uplinks; it holds only what the
 * release published, so no @memflow-ts package can come from npmjs. The new user's `.npmrc`
 * maps the `@memflow-ts` scope to it, and their third-party dependencies (@clack/prompts,
 * elysia, …) come straight from npm's registry, as they will for real users. Nothing is
 * pre-seeded or proxied, so the installs need npmjs reachable (it is, here and in CI).
 *
 * Steps (beforeAll): 1. copy the working tree into a temp git repository, add a changeset;
 * 2. `bun install` there; 3. start Verdaccio and register the publish user; 4. run the release
 * there, with the CLI's executable built for this machine's target only (`--bin-target`; the
 * platform packages of decision 0007); 5. make a fresh HOME (its own Bun and npm global folders)
 * and install the CLI globally with `bun add -g` and `npm i -g`, and once more with npm as for another
 * CPU (no platform package). The tests then check what was released and use it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { type BinTarget, hostBinTarget } from "../../tooling/scripts/build-bin.ts";
import { cliPlatformPackage } from "../../tooling/scripts/cli-platform-packages.ts";
import { requireTool } from "../../tooling/testing/require-tool.ts";
import { RELEASE_STEP_TIMEOUT } from "../../tooling/testing/timeouts.ts";
import {
  type CommandResult,
  copyWorkingTree,
  type FreshHome,
  freshHome,
  ISOLATED_GIT_ENV,
  type LocalRegistry,
  publicWorkspaces,
  realNodeBinary,
  repoRoot,
  runCommand,
  startLocalRegistry,
  waitForLine,
} from "../src/index.ts";

/** Package name → folder; the release publishes exactly these. */
const PUBLIC_PACKAGES = publicWorkspaces();
const PUBLIC_NAMES = [...PUBLIC_PACKAGES.keys()];
/** The one platform package the release builds here: building all five would take minutes more. */
const hostTarget = hostBinTarget();
if (hostTarget === undefined)
  throw new Error(`bun build --compile has no target for ${process.platform}-${process.arch}`);
const binTarget: BinTarget = hostTarget;
const PLATFORM_PACKAGE = cliPlatformPackage(binTarget);

const gcc = requireTool("gcc", "gcc");
const browser = requireTool("chromium", "chromium");
const workDir = mkdtempSync(join(tmpdir(), "memflow-ts-release-"));
const repoCopy = join(workDir, "repo");
let registry: LocalRegistry | undefined;
let home: FreshHome;
let release: CommandResult;
const installs = {} as Record<"bun" | "npm" | "npmWithoutOptional", CommandResult>;
/** The npm prefix of the install without optional dependencies. */
let npmWithoutOptional: string;

function versionIn(root: string, name: string): string {
  const directory = PUBLIC_PACKAGES.get(name);
  if (directory === undefined) throw new Error(`${name} is not a public workspace package`);
  return (JSON.parse(readFileSync(join(root, directory, "package.json"), "utf8")) as { version: string }).version;
}

/** Runs a command and throws with its output unless it exits 0. */
async function succeed(
  command: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<CommandResult> {
  const result = await runCommand(command, { cwd, env });
  if (result.exitCode !== 0) {
    throw new Error(`${command.join(" ")} exited ${result.exitCode} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A new folder in the fresh user's world. */
function userFolder(name: string): string {
  const folder = join(workDir, "user", name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

beforeAll(async () => {
  const git = { ...process.env, ...ISOLATED_GIT_ENV };
  // 1. The release rewrites versions and commits: never in the working tree.
  await copyWorkingTree(repoCopy);
  const bumpAll = PUBLIC_NAMES.map((name) => `"${name}": patch`);
  writeFileSync(
    join(repoCopy, ".changeset", "release-test.md"),
    `---\n${bumpAll.join("\n")}\n---\n\nA release made by test/test/release.test.ts.\n`,
  );
  await succeed(["git", "add", "--all"], repoCopy, git);
  await succeed(["git", "commit", "--quiet", "-m", "changeset for the release test"], repoCopy, git);
  // 2.
  await succeed([process.execPath, "install", "--frozen-lockfile"], repoCopy, process.env);
  // 3.
  registry = await startLocalRegistry(join(workDir, "registry"));
  // 4. What CONTRIBUTING.md's release section says to run.
  const releaseArgs = ["--registry", registry.url, "--bin-target", binTarget];
  release = await succeed([process.execPath, "run", "release", "--", ...releaseArgs], repoCopy, {
    ...git,
    TURBO_TELEMETRY_DISABLED: "1",
    NPM_CONFIG_TOKEN: registry.token,
  });
  // 5.
  home = freshHome(join(workDir, "user"), "@memflow-ts", registry.url);
  const empty = userFolder("empty");
  installs.bun = await runCommand(["bun", "add", "-g", "@memflow-ts/cli"], { cwd: empty, env: home.env });
  installs.npm = await runCommand(["npm", "i", "-g", "@memflow-ts/cli"], { cwd: empty, env: home.env });
  npmWithoutOptional = join(workDir, "user", "npm-without-optional");
  // As on a machine of another CPU: npm installs no platform package (only this target's was released).
  const otherCpu = process.arch === "arm64" ? "x64" : "arm64";
  installs.npmWithoutOptional = await runCommand(["npm", "i", "-g", `--cpu=${otherCpu}`, "@memflow-ts/cli"], {
    cwd: empty,
    env: { ...home.env, npm_config_prefix: npmWithoutOptional },
  });
}, RELEASE_STEP_TIMEOUT * 2);

afterAll(async () => {
  await registry?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe("bun run release -- --registry <local Verdaccio>", () => {
  test("applies the changesets in a commit of its own and tags each published version", async () => {
    const log = await succeed(["git", "log", "--format=%s", "-1"], repoCopy, process.env);
    expect(log.stdout.trim()).toMatch(/^release: version packages \(\d+ changesets\)$/);
    const tags = await succeed(["git", "tag", "--points-at", "HEAD"], repoCopy, process.env);
    const expected = PUBLIC_NAMES.map((name) => `${name}@${versionIn(repoCopy, name)}`);
    expect(tags.stdout.trim().split("\n").sort()).toEqual(expected.sort());
    for (const name of PUBLIC_NAMES) {
      expect(versionIn(repoCopy, name)).not.toBe(versionIn(repoRoot, name));
    }
  });

  test("publishes every public package, dependencies pinned to the released versions", async () => {
    // The ones a user installs below, at least; new public packages join by themselves.
    const used = ["@memflow-ts/analyzer", "@memflow-ts/cli", "@memflow-ts/sdk", "@memflow-ts/server"];
    expect(PUBLIC_NAMES).toEqual(expect.arrayContaining(used));
    for (const name of PUBLIC_NAMES) {
      const response = await fetch(`${registry?.url}${name.replace("/", "%2f")}`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as {
        "dist-tags": { latest: string };
        versions: Record<string, { dependencies?: Record<string, string> }>;
      };
      const version = versionIn(repoCopy, name);
      expect({ name, latest: document["dist-tags"].latest }).toEqual({ name, latest: version });
      for (const [dependency, range] of Object.entries(document.versions[version]?.dependencies ?? {})) {
        if (PUBLIC_PACKAGES.has(dependency)) expect(range).toBe(versionIn(repoCopy, dependency));
      }
    }
    expect(release.stdout).toContain("publish @memflow-ts/cli@");
  });

  test("publishes the CLI's executable as a platform package before the CLI, which names it as an optional dependency", async () => {
    const version = versionIn(repoCopy, "@memflow-ts/cli");
    const response = await fetch(`${registry?.url}${PLATFORM_PACKAGE.replace("/", "%2f")}`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      versions: Record<string, { os?: string[]; cpu?: string[]; bin?: unknown; dist: { unpackedSize?: number } }>;
    };
    const manifest = document.versions[version];
    expect({ os: manifest?.os, cpu: manifest?.cpu, bin: manifest?.bin }).toEqual({
      os: [process.platform],
      cpu: [process.arch],
      bin: undefined,
    });
    const cli = (await (await fetch(`${registry?.url}@memflow-ts%2fcli`)).json()) as {
      versions: Record<string, { optionalDependencies?: Record<string, string>; bin?: Record<string, string> }>;
    };
    expect(cli.versions[version]?.optionalDependencies).toEqual({ [PLATFORM_PACKAGE]: version });
    expect(cli.versions[version]?.bin).toEqual({ "memflow-ts": "bin/memflow-ts" });
    const order = [`publish ${PLATFORM_PACKAGE}@${version}`, `publish @memflow-ts/cli@${version}`];
    const positions = order.map((line) => release.stdout.lastIndexOf(line));
    expect(positions[0]).toBeGreaterThan(-1);
    expect(positions[0]).toBeLessThan(positions[1] ?? -1);
    // The workspace's package.json is left without them.
    expect(
      JSON.parse(readFileSync(join(repoCopy, "apps", "cli", "package.json"), "utf8")).optionalDependencies,
    ).toBeUndefined();
  });

  test("a second run publishes nothing: every version is already on the registry", async () => {
    const again = await succeed(
      [
        process.execPath,
        "run",
        "release",
        "--",
        "--registry",
        registry?.url ?? "",
        "--bin-target",
        binTarget,
        "--dry-run",
      ],
      repoCopy,
      process.env,
    );
    expect(again.stdout).not.toContain("would publish");
    // The public packages and the one platform package.
    expect(again.stdout.match(/^skip @memflow-ts\/\S+: already on /gm)?.length).toBe(PUBLIC_NAMES.length + 1);
  });
});

describe("a new user, installing from that registry", () => {
  test.each(["bun", "npm"] as const)(
    "%s installs the CLI globally, and its memflow-ts is the executable: it answers without Bun on PATH",
    async (tool) => {
      expect({
        exitCode: installs[tool].exitCode,
        stderr: installs[tool].exitCode === 0 ? "" : installs[tool].stderr,
      }).toEqual({
        exitCode: 0,
        stderr: "",
      });
      const binFolder = tool === "bun" ? home.bunBin : home.npmBin;
      const bin = join(binFolder, "memflow-ts");
      const cli = versionIn(repoCopy, "@memflow-ts/cli");
      // The launcher falls back to `bun src/main.ts`, which would exit 127 here: no Bun on this PATH.
      const noBun = { ...home.env, PATH: binFolder };
      const version = await succeed([bin, "--version"], userFolder("empty"), noBun);
      expect(version.stdout.trim()).toBe(cli);
      const listed = await succeed([bin, "plugins", "ls", "--json"], userFolder("empty"), noBun);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    },
    RELEASE_STEP_TIMEOUT,
  );

  test("without a platform package (npm i -g --cpu=<another>), the CLI runs from its sources with Bun", async () => {
    expect(installs.npmWithoutOptional.exitCode).toBe(0);
    const cli = join(npmWithoutOptional, "lib", "node_modules", "@memflow-ts", "cli");
    expect(existsSync(join(cli, "node_modules", PLATFORM_PACKAGE))).toBe(false);
    const bin = join(npmWithoutOptional, "bin", "memflow-ts");
    const version = await succeed([bin, "--version"], userFolder("empty"), home.env);
    expect(version.stdout.trim()).toBe(versionIn(repoCopy, "@memflow-ts/cli"));
    const noBun = await runCommand([bin, "--version"], {
      cwd: userFolder("empty"),
      env: { ...home.env, PATH: "/nonexistent" },
    });
    expect({ exitCode: noBun.exitCode, stderr: noBun.stderr }).toEqual({
      exitCode: 127,
      stderr: expect.stringContaining("Bun is not on PATH"),
    });
  });

  test.skipIf(!gcc.available)(
    "memflow-ts demo runs without a terminal",
    async () => {
      const demo = await succeed(["memflow-ts", "demo"], userFolder("demo"), home.env);
      expect(demo.stdout).toContain("Inventory of this run:");
      expect(demo.stdout).toMatch(/^dummy\s+connector\s/m);
    },
    RELEASE_STEP_TIMEOUT,
  );

  test.skipIf(!gcc.available)(
    "plugin new x: its bun install gets @memflow-ts/sdk from the registry and its tests pass",
    async () => {
      const projects = userFolder("projects");
      await succeed(["memflow-ts", "plugin", "new", "x"], projects, home.env);
      const project = join(projects, "x");
      await succeed(["bun", "install"], project, home.env);
      const sdk = JSON.parse(readFileSync(join(project, "node_modules", "@memflow-ts", "sdk", "package.json"), "utf8"));
      expect(sdk.version).toBe(versionIn(repoCopy, "@memflow-ts/sdk"));
      const tests = await succeed(["bun", "test"], project, home.env);
      expect(tests.stderr).toMatch(/^ *[1-9]\d* pass$/m);
      expect(tests.stderr).toMatch(/^ *0 fail$/m);
    },
    RELEASE_STEP_TIMEOUT,
  );

  test(
    "@memflow-ts/server installs, starts and answers /health",
    async () => {
      const project = userFolder("server");
      await succeed(["bun", "add", "@memflow-ts/server"], project, home.env);
      const server = Bun.spawn(
        [join(project, "node_modules", ".bin", "memflow-ts-server"), "--insecure", "--addr", "127.0.0.1:0"],
        {
          cwd: project,
          env: { ...home.env, MEMFLOW_STORAGE_ROOT: join(project, "storage") },
          stdout: "pipe",
          stderr: "pipe",
        },
      );
      try {
        const [, base] = await waitForLine(server.stdout, /listening on (http:\/\/\S+)/);
        const health = await fetch(`${base}/health`);
        expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: "Ok" });
      } finally {
        server.kill();
        await server.exited;
      }
    },
    RELEASE_STEP_TIMEOUT,
  );

  describe("@memflow-ts/analyzer, installed with npm", () => {
    const plugin = join(repoRoot, "packages", "analyzer", "test", "fixtures", "elf", "x86_64-gcc.so");
    let project: string;
    beforeAll(async () => {
      project = userFolder("analyzer");
      await succeed(["npm", "i", "@memflow-ts/analyzer"], project, home.env);
    }, RELEASE_STEP_TIMEOUT);

    test("imports in Node >= 20 and analyzes a plugin file", async () => {
      const code = [
        'import { isBinary } from "@memflow-ts/analyzer";',
        'import { analyzeFile } from "@memflow-ts/analyzer/fs";',
        "const [descriptor] = await analyzeFile(process.argv[1]);",
        "console.log(isBinary(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])), descriptor.export_name);",
      ].join("\n");
      const node = realNodeBinary();
      const version = await succeed([node, "--version"], project, home.env);
      expect(Number(/^v(\d+)\./.exec(version.stdout)?.[1])).toBeGreaterThanOrEqual(20);
      const run = await succeed([node, "--input-type=module", "-e", code, plugin], project, home.env);
      expect(run.stdout.trim()).toBe("true MEMFLOW_CONNECTOR_GCC_X86_64");
    });

    test.skipIf(!browser.available)(
      "imports in headless Chromium from 127.0.0.1 and parses a plugin's bytes",
      async () => {
        const installed = join(project, "node_modules", "@memflow-ts", "analyzer");
        const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
        const entry: string = manifest.exports["."].default;
        const server = Bun.serve({
          hostname: "127.0.0.1",
          port: 0,
          fetch(request) {
            const path = new URL(request.url).pathname;
            if (path === "/")
              return new Response("<!doctype html><title>analyzer</title>", {
                headers: { "content-type": "text/html" },
              });
            if (path === "/plugin.so") return new Response(Bun.file(plugin));
            if (path.startsWith("/analyzer/") && !path.includes("..")) {
              return new Response(Bun.file(join(installed, path.slice("/analyzer/".length))));
            }
            return new Response("not found", { status: 404 });
          },
        });
        const chrome = await chromium.launch({
          executablePath: browser.path ?? undefined,
          // Root in a container has no user namespaces for Chromium's sandbox.
          args: ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        try {
          const page = await chrome.newPage();
          await page.goto(`http://127.0.0.1:${server.port}/`);
          const result = await page.evaluate(
            async (url) => {
              const analyzer = await import(url);
              const bytes = new Uint8Array(await (await fetch("/plugin.so")).arrayBuffer());
              return { elf: analyzer.isBinary(bytes), exportName: analyzer.parseDescriptors(bytes)[0]?.export_name };
            },
            `/analyzer/${entry.replace(/^\.\//, "")}`,
          );
          expect(result).toEqual({ elf: true, exportName: "MEMFLOW_CONNECTOR_GCC_X86_64" });
        } finally {
          await chrome.close();
          await server.stop(true);
        }
      },
      RELEASE_STEP_TIMEOUT,
    );
  });
});

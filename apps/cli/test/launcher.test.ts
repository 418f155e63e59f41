/**
 * The npm package's `memflow-ts` (bin/memflow-ts, a `#!/bin/sh` launcher) in the node_modules
 * layouts npm and bun make, built for real in a temp folder: it must exec the platform package's
 * executable wherever the package manager put it, pass arguments and the exit code through
 * untouched, and run the sources with Bun when no platform package is installed.
 *
 * The platform package's "executable" here is a shell script that prints its own path and its
 * arguments and exits 7: what is under test is which file the launcher starts and what it hands
 * over (test/test/release.test.ts installs the real executable from a registry).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { BIN_TARGETS, binPath } from "../../../tooling/scripts/build-bin.ts";
import { CLI_PACKAGE, cliPlatformPackage } from "../../../tooling/scripts/cli-platform-packages.ts";
import {
  binLink,
  installCliPackage,
  installLikeBunGlobal,
  installPlatformPackage,
  LAUNCHER,
} from "./support/npm-layout.ts";

const cliRoot = join(import.meta.dir, "..");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-launcher-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Prints which one it is (`$0` may hold `..` through links, which only the kernel resolves right) and its arguments. */
const fakeExecutable = {
  script: (file: string) => `#!/bin/sh
printf '%s\\n' '${join(realpathSync(dirname(file)), basename(file))}' "$@"
exit 7
`,
};
const version = (JSON.parse(readFileSync(join(cliRoot, "package.json"), "utf8")) as { version: string }).version;
const target = BIN_TARGETS[0];
const installPlatform = (nodeModules: string) => installPlatformPackage(nodeModules, target, fakeExecutable);

function run(command: string, args: string[], path = "/usr/bin:/bin") {
  const result = Bun.spawnSync([command, ...args], { cwd: root, env: { PATH: path }, stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Runs `command` and returns which executable it started (its real path) and the arguments it got. */
function started(command: string, args: string[]) {
  const { exitCode, stdout, stderr } = run(command, args);
  const [path = "", ...received] = stdout.replace(/\n$/, "").split("\n");
  return { exitCode, executable: path, args: received, stderr };
}

const ARGS = ["plugins", "ls", "two words", `"quoted" and 'single'`, "$HOME *", "", "-x=1"];

function layout(name: string): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

describe("bin/memflow-ts starts the installed platform package's executable", () => {
  test("node_modules/.bin, platform package hoisted beside the CLI (npm and bun local installs)", () => {
    const nodeModules = join(layout("hoisted"), "node_modules");
    const bin = binLink(join(nodeModules, ".bin", "memflow-ts"), installCliPackage(join(nodeModules, CLI_PACKAGE)));
    const executable = installPlatform(nodeModules);
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("node_modules/.bin, platform package nested under the CLI", () => {
    const nodeModules = join(layout("nested"), "node_modules");
    const cli = join(nodeModules, CLI_PACKAGE);
    const bin = binLink(join(nodeModules, ".bin", "memflow-ts"), installCliPackage(cli));
    const executable = installPlatform(join(cli, "node_modules"));
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("npm i -g: <prefix>/bin beside <prefix>/lib/node_modules, platform package nested", () => {
    const prefix = layout("npm-global");
    const cli = join(prefix, "lib", "node_modules", CLI_PACKAGE);
    const bin = binLink(join(prefix, "bin", "memflow-ts"), installCliPackage(cli));
    const executable = installPlatform(join(cli, "node_modules"));
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("bun add -g: ~/.bun/bin beside ~/.bun/install/global, platform package hoisted", () => {
    const { bin, executable } = installLikeBunGlobal(layout("bun-global"), target, fakeExecutable);
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("an isolated install (bun's isolated linker, pnpm): the CLI's folder is a link into a store", () => {
    const nodeModules = join(layout("isolated"), "node_modules");
    const store = join(nodeModules, ".bun", `${CLI_PACKAGE.replace("/", "+")}@${version}`, "node_modules");
    installCliPackage(join(store, CLI_PACKAGE));
    const executable = installPlatform(store);
    binLink(join(nodeModules, CLI_PACKAGE), join(store, CLI_PACKAGE));
    const bin = binLink(join(nodeModules, ".bin", "memflow-ts"), join(nodeModules, CLI_PACKAGE, "bin", "memflow-ts"));
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("a chain of links from a folder of the user's own, one of them absolute", () => {
    const nodeModules = join(layout("linked"), "node_modules");
    const cli = installCliPackage(join(nodeModules, CLI_PACKAGE));
    const executable = installPlatform(nodeModules);
    const first = binLink(join(root, "linked", "tools", "memflow-ts"), cli);
    const bin = join(root, "linked", "home-bin", "mf");
    mkdirSync(dirname(bin), { recursive: true });
    symlinkSync(first, bin);
    expect(started(bin, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("a POSIX shell on Windows: npm's sh shim runs the launcher by its path, which finds memflow-ts.exe", () => {
    const nodeModules = join(layout("windows-sh"), "node_modules");
    const cli = join(nodeModules, CLI_PACKAGE);
    const launcher = installCliPackage(cli);
    const executable = installPlatformPackage(join(cli, "node_modules"), "windows-x64", fakeExecutable);
    expect(basename(executable)).toBe("memflow-ts.exe");
    expect(started(launcher, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
  });

  test("the launcher run by its own path, and by sh from its folder", () => {
    const nodeModules = join(layout("direct"), "node_modules");
    const cli = installCliPackage(join(nodeModules, CLI_PACKAGE));
    const executable = installPlatform(nodeModules);
    expect(started(cli, ARGS)).toEqual({ exitCode: 7, executable, args: ARGS, stderr: "" });
    const inFolder = Bun.spawnSync(["sh", "memflow-ts", "one"], { cwd: dirname(cli), env: { PATH: "/usr/bin:/bin" } });
    expect(inFolder.stdout.toString().split("\n").slice(1, 2)).toEqual(["one"]);
    expect(inFolder.exitCode).toBe(7);
  });
});

describe("without a platform package (another platform, optional dependencies left out)", () => {
  const nodeModules = join(layout("fallback"), "node_modules");
  const bin = binLink(join(nodeModules, ".bin", "memflow-ts"), installCliPackage(join(nodeModules, CLI_PACKAGE)));
  const withBun = `${dirname(process.execPath)}:/usr/bin:/bin`;

  test("runs the sources with Bun, arguments and exit code passed through", () => {
    expect(run(bin, ["--version"], withBun)).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: "" });
    const usage = run(bin, ["plugins", "ls", "two words", "--no-such-flag"], withBun);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("--no-such-flag");
  });

  test("says what to do when Bun is not on PATH either", () => {
    const result = run(bin, ["--version"], "/nonexistent");
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain("install Bun");
  });
});

test("the launcher looks for the packages cli-platform-packages.ts names, and the workspace's bin is the launcher", () => {
  const text = readFileSync(LAUNCHER, "utf8");
  const globs = [...text.matchAll(/"\$here"\/(\S+\/memflow-ts(\.exe)?)/g)].map((match) => match[1] ?? "");
  expect(globs.length).toBe(8);
  const files = new Set<string>();
  for (const glob of globs) {
    // Each names the platform package as the scope's `cli-*`, its executable as build:bin names it.
    expect(glob).toMatch(/(^|\/)(@memflow-ts\/)?cli-\*\/memflow-ts(\.exe)?$/);
    files.add(basename(glob));
  }
  for (const each of BIN_TARGETS) {
    expect(cliPlatformPackage(each)).toMatch(/^@memflow-ts\/cli-[^/]+$/);
    expect(files).toContain(basename(binPath(each, "memflow-ts")));
  }
  expect(cliPlatformPackage(target).startsWith(`${CLI_PACKAGE}-`)).toBe(true);
  const manifest = JSON.parse(readFileSync(join(cliRoot, "package.json"), "utf8"));
  expect(manifest.name).toBe(CLI_PACKAGE);
  expect(manifest.bin).toEqual({ "memflow-ts": "./bin/memflow-ts" });
  expect(manifest.files).toContain("bin");
  // Never in the workspace: `bun install` here would fetch them (they are added when published).
  expect(manifest.optionalDependencies).toBeUndefined();
});

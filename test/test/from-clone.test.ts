/**
 * From a clone: the root scripts `bun run cli` and `bun run server` work in the folder they are
 * called from, and `bun link` in apps/cli puts a `memflow-ts` on PATH that does too. The clone is
 * a temporary folder with the root's package.json and bunfig.toml and links to the workspace
 * folders, so nothing lands in this checkout.
 */
import { afterAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { requireTool } from "../../tooling/testing/require-tool.ts";
import { BUILD_HOOK_TIMEOUT } from "../../tooling/testing/timeouts.ts";
import { repoRoot, runCommand } from "../src/index.ts";

const npm = requireTool("npm", "npm");
const workDir = realpathSync(mkdtempSync(join(tmpdir(), "memflow-ts-clone-")));
const clone = join(workDir, "clone");
const caller = join(clone, "docs", "deep");
const home = join(workDir, "home");
mkdirSync(caller, { recursive: true });
mkdirSync(home);
for (const file of ["package.json", "bunfig.toml"]) copyFileSync(join(repoRoot, file), join(clone, file));
for (const folder of ["apps", "packages", "tooling", "test", "node_modules"]) {
  symlinkSync(join(repoRoot, folder), join(clone, folder));
}

// As from a shell: none of the runner variables of however this test run was started (`bun run
// test`, `npx bun …`, which the runners pass on), and this Bun first on PATH for the scripts' `bun`.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => key !== "INIT_CWD" && !key.startsWith("npm_")),
);
/** `plugin new <name>` made its project in the caller's folder, and nothing at the clone's root. */
function expectProjectInCaller(name: string): void {
  expect(existsSync(join(caller, name, "src", `${name}.c`))).toBe(true);
  expect(existsSync(join(clone, name))).toBe(false);
}

const env = {
  ...inherited,
  HOME: home,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
};

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("bun run from a subfolder of a clone", () => {
  test(
    "plugin new creates its project in the caller's folder, not at the repository root",
    async () => {
      const result = await runCommand([process.execPath, "run", "cli", "--", "plugin", "new", "here_plugin"], {
        cwd: caller,
        env,
      });
      expect(result.stderr).not.toContain("[X]");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(`Created ${join(caller, "here_plugin")}`);
      expectProjectInCaller("here_plugin");
    },
    BUILD_HOOK_TIMEOUT,
  );

  test(
    "the setup wizard's relative plugin folder is the caller's",
    async () => {
      const result = await runCommand(
        [process.execPath, "run", "cli", "--", "setup", "--yes", "--plugin-dir", "my-plugins", "--no-dummy"],
        { cwd: caller, env },
      );
      expect(result.exitCode).toBe(0);
      const saved = JSON.parse(readFileSync(join(home, ".config", "memflow-ts", "setup.json"), "utf8"));
      expect(saved).toEqual({ plugin_dir: join(caller, "my-plugins") });
    },
    BUILD_HOOK_TIMEOUT,
  );

  test.each([
    ["a subfolder", "stale_sub", () => caller],
    ["the root", "stale_root", () => clone],
  ])(
    "an INIT_CWD left in the shell does not move bun run from %s elsewhere",
    async (_, name, folder) => {
      const elsewhere = join(workDir, `elsewhere-${name}`);
      mkdirSync(elsewhere, { recursive: true });
      const result = await runCommand([process.execPath, "run", "cli", "--", "plugin", "new", name], {
        cwd: folder(),
        env: { ...env, INIT_CWD: elsewhere },
      });
      expect(result.exitCode).toBe(0);
      expect(existsSync(join(folder(), name))).toBe(true);
      expect(existsSync(join(elsewhere, name))).toBe(false);
    },
    BUILD_HOOK_TIMEOUT,
  );

  test.skipIf(!npm.available)(
    "npm run, which names the caller's folder in INIT_CWD, works there too",
    async () => {
      const result = await runCommand(
        [npm.path ?? "npm", "run", "--silent", "cli", "--", "plugin", "new", "npm_plugin"],
        {
          cwd: caller,
          env,
        },
      );
      expect(result.exitCode).toBe(0);
      expectProjectInCaller("npm_plugin");
    },
    BUILD_HOOK_TIMEOUT,
  );

  test(
    "the server keeps its default storage folder in the caller's folder",
    async () => {
      const child = Bun.spawn([process.execPath, "run", "server", "--", "--addr", "127.0.0.1:0", "--insecure"], {
        cwd: caller,
        env,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      try {
        const reader = child.stdout.getReader();
        let text = "";
        while (!text.includes("\n")) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
        expect(url).toBeDefined();
        const health = await fetch(`${url}/health`);
        expect(health.status).toBe(200);
        expect(existsSync(join(caller, ".storage"))).toBe(true);
        expect(existsSync(join(clone, ".storage"))).toBe(false);
      } finally {
        child.kill("SIGTERM");
        await child.exited;
      }
    },
    BUILD_HOOK_TIMEOUT,
  );
});

describe("bun link", () => {
  test(
    "puts a memflow-ts on PATH that works in the folder it is run from",
    async () => {
      const bunInstall = join(workDir, "bun-install");
      const linkEnv = { ...env, BUN_INSTALL: bunInstall };
      const linked = await runCommand([process.execPath, "link"], { cwd: join(repoRoot, "apps", "cli"), env: linkEnv });
      expect(linked.exitCode).toBe(0);
      const bin = (
        await runCommand([process.execPath, "pm", "bin", "-g"], { cwd: workDir, env: linkEnv })
      ).stdout.trim();
      expect(bin).toBe(join(bunInstall, "bin"));
      const elsewhere = join(workDir, "elsewhere");
      mkdirSync(elsewhere);
      const made = await runCommand(["memflow-ts", "plugin", "new", "linked_plugin"], {
        cwd: elsewhere,
        env: { ...linkEnv, PATH: `${bin}${delimiter}${linkEnv.PATH}` },
      });
      expect(made.exitCode).toBe(0);
      expect(existsSync(join(elsewhere, "linked_plugin", "src", "linked_plugin.c"))).toBe(true);
    },
    BUILD_HOOK_TIMEOUT,
  );
});

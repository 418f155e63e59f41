import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-cli-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** A memflow-shaped connector descriptor: the 64-bit PluginDescriptor layout. */
const PLUGIN_SOURCE = `
typedef struct { const char *ptr; unsigned long len; } slice;
typedef struct {
  int plugin_version; _Bool accept_input; const void *input_layout, *output_layout;
  slice name, version, description; void *help, *target_list; int (*create)(void);
} descriptor;
_Static_assert(sizeof(descriptor) == 0x60, "memflow's 64-bit descriptor is 0x60 bytes");
static int create(void) { return 0; }
__attribute__((visibility("default"))) const descriptor MEMFLOW_CONNECTOR_DEMO =
  { 1, 0, 0, 0, { "demo", 4 }, { "0.1.0", 5 }, { "a connector built by the test", 29 }, 0, 0, create };
`;

async function buildPlugin(path: string): Promise<void> {
  const source = join(sandbox, "plugin.c");
  writeFileSync(source, PLUGIN_SOURCE);
  const gcc = Bun.spawn(["gcc", "-shared", "-fPIC", "-O2", "-o", path, source], { stderr: "pipe" });
  if ((await gcc.exited) !== 0) throw new Error(`gcc failed: ${await new Response(gcc.stderr).text()}`);
}

describe("memflow-ts", () => {
  test("--help lists the commands and exits 0", async () => {
    const { context, stdout } = testContext({ home: sandbox, cwd: sandbox });
    expect(await runCli(["--help"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toContain("Usage: memflow-ts <command>");
    expect(stdout.text()).toContain("demo");
  });

  test("memflowup's global --skip-version-check is accepted before the command", async () => {
    const { context, stdout } = testContext({ home: sandbox, cwd: sandbox });
    expect(await runCli(["--skip-version-check", "--version"], context)).toBe(ExitCode.ok);
    expect(stdout.text()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test("an unknown command is a usage error on stderr with exit code 2", async () => {
    const { context, stdout, stderr } = testContext({ home: sandbox, cwd: sandbox });
    expect(await runCli(["frobnicate"], context)).toBe(ExitCode.usage);
    expect(stdout.text()).toBe("");
    expect(stderr.text()).toContain("[X] unknown command 'frobnicate'");
  });

  test("demo shows the descriptors of a gcc-built plugin and why other files are skipped", async () => {
    const home = join(sandbox, "home");
    const userDir = join(home, ".local", "lib", "memflow");
    const extra = join(sandbox, "extra");
    mkdirSync(userDir, { recursive: true });
    mkdirSync(extra);
    await buildPlugin(join(userDir, "libmemflow_demo.so"));
    writeFileSync(join(extra, "notes.so"), "not a library\n");
    writeFileSync(join(extra, "libmemflow_other.dll"), new Uint8Array([0x4d, 0x5a, 0, 0]));

    const { context, stdout } = testContext({
      home,
      cwd: join(sandbox, "missing"),
      env: { MEMFLOW_PLUGIN_PATH: extra },
    });
    expect(await runCli(["demo"], context)).toBe(ExitCode.ok);
    const text = stdout.text();
    expect(text).toContain(`${userDir}  (1 file)`);
    const architecture = process.arch === "arm64" ? "arm64" : "x86_64";
    expect(text).toContain(`connector demo 0.1.0 (elf/${architecture}, plugin_version 1)`);
    expect(text).toMatch(/notes\.so: skipped, bad-magic/);
    expect(text).not.toContain("libmemflow_other.dll");
    expect(text).toContain(`${join(sandbox, "missing")}  (does not exist)`);
    expect(text).toContain("1 plugin found.");
    // The walk-through: a dummy connector, a pattern written and read back, the inventory.
    expect(text).toMatch(/\[=\] Opened "dummy" with size=1m: the (SDK's C|TypeScript) dummy connector/);
    expect(text).toContain("[=] Read them back: identical");
    expect(text).toContain("00001000  6d 65 6d 66 6c 6f 77 2d  74 73 20 64 65 6d 6f 21  |memflow-ts demo!|");
    expect(text).toMatch(/^dummy +connector +0\.2\.4 +1 /m);
    // Then the dummy OS over a dummy connector (demo-os.test.ts pins what it shows).
    expect(text).toContain("memflow-ts demo: looking inside an OS (the dummy OS, over a dummy connector)");
    expect(text).toMatch(/physically: identical, the layers agree\n/);
    expect(text).toMatch(/^dummy(_ts)? +os +\S+ +1 /m);
  }, 60_000);
});

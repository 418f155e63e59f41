/**
 * What an npm user gets: pack every public package, check the tarballs, install four of them
 * into an empty project and use them from Bun and (for the analyzer) from Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { requireTool } from "../../tooling/testing/require-tool.ts";
import {
  manifestTargets,
  type PackedPackage,
  packWorkspacePackage,
  realNodeBinary,
  repoRoot,
  runCommand,
} from "../src/index.ts";

const PUBLIC_PACKAGES = ["packages/analyzer", "packages/core", "packages/sdk", "apps/cli", "apps/server"];
const INSTALLED = ["@memflow-ts/analyzer", "@memflow-ts/core", "@memflow-ts/sdk", "@memflow-ts/cli"];

const workDir = mkdtempSync(join(tmpdir(), "memflow-ts-pack-"));
const projectDir = join(workDir, "consumer");
/** By package name, and by workspace directory. */
const packed = new Map<string, PackedPackage>();
// Without its platform package (the release publishes those) the installed `memflow-ts` launcher
// runs the sources with the `bun` on PATH (decision 0007): put this Bun first there.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` };

beforeAll(async () => {
  for (const directory of PUBLIC_PACKAGES) {
    const result = await packWorkspacePackage(directory, workDir);
    packed.set(result.name, result);
    packed.set(directory, result);
  }
  // Until the packages are on npm, point their mutual dependencies at the local tarballs, as
  // the registry will. The install itself is the `bun add ./x.tgz …` a user would type.
  const tarballOf = (name: string) => `file:../${basename(packed.get(name)?.tarball ?? "")}`;
  const overrides = Object.fromEntries(INSTALLED.map((name) => [name, tarballOf(name)]));
  rmSync(projectDir, { recursive: true, force: true });
  await Bun.write(
    join(projectDir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module", overrides }, null, 2)}\n`,
  );
  const added = await runCommand(
    [process.execPath, "add", ...INSTALLED.map((name) => `../${basename(packed.get(name)?.tarball ?? "")}`)],
    { cwd: projectDir, env },
  );
  if (added.exitCode !== 0) throw new Error(`bun add failed:\n${added.stdout}\n${added.stderr}`);
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("published tarballs", () => {
  test.each(PUBLIC_PACKAGES)("%s has no workspace: specifier and every export and bin is inside it", (directory) => {
    const result = packed.get(directory);
    expect(result).toBeDefined();
    if (!result) return;
    expect(result.manifestText).not.toContain("workspace:");
    const targets = manifestTargets(result.manifest);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(result.files).toContain(target);
  });

  test("internal dependencies are pinned to the versions being published", () => {
    const cli = packed.get("@memflow-ts/cli");
    const core = packed.get("@memflow-ts/core");
    expect(cli?.manifest.dependencies).toMatchObject({ "@memflow-ts/core": core?.version });
  });

  test("core ships memflow-abi.h, which the shim and the SDK's memflow-plugin.h include", () => {
    expect(packed.get("@memflow-ts/core")?.files).toContain("native/memflow-abi.h");
    expect(packed.get("@memflow-ts/core")?.files).toContain("native/memflow-abi-layout.h");
    expect(packed.get("@memflow-ts/sdk")?.files).toContain("include/memflow-plugin.h");
  });

  test("the analyzer ships built JavaScript and declarations", () => {
    const files = packed.get("@memflow-ts/analyzer")?.files ?? [];
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
  });
});

describe("installed from tarballs into an empty project", () => {
  test("each package imports under Bun", async () => {
    const script = join(projectDir, "use-packages.ts");
    writeFileSync(
      script,
      [
        'import { isBinary } from "@memflow-ts/analyzer";',
        'import { Inventory } from "@memflow-ts/core";',
        'import { PluginCatalogue } from "@memflow-ts/core/catalogue";',
        'import { pluginSearchPaths } from "@memflow-ts/core/plugin-files";',
        'import { isPluginVariant } from "@memflow-ts/core/registry";',
        'import { descriptorExportName } from "@memflow-ts/sdk";',
        'import { runCli } from "@memflow-ts/cli";',
        "console.log(JSON.stringify({",
        "  elf: isBinary(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])),",
        '  paths: pluginSearchPaths({ platform: "linux", home: "/h", cwd: "/c" }),',
        '  exportName: descriptorExportName("os", "win32"),',
        "  cli: typeof runCli,",
        "  core: [typeof Inventory.scan, typeof PluginCatalogue.scan, isPluginVariant({})],",
        "}));",
      ].join("\n"),
    );
    const run = await runCommand([process.execPath, script], { cwd: projectDir, env });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      elf: true,
      paths: ["/h/.local/lib/memflow", "/c"],
      exportName: "MEMFLOW_OS_WIN32",
      cli: "function",
      core: ["function", "function", false],
    });
  });

  test.skipIf(!requireTool("gcc", "gcc").available)(
    "the installed SDK builds its dummy connector against the installed core's ABI header",
    async () => {
      const script = join(projectDir, "build-dummy.ts");
      writeFileSync(
        script,
        [
          'import { bundledPluginPath } from "@memflow-ts/sdk";',
          `console.log(bundledPluginPath("dummy", ${JSON.stringify(join(workDir, "plugin-cache"))}));`,
        ].join("\n"),
      );
      const run = await runCommand([process.execPath, script], { cwd: projectDir, env });
      expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: "" });
      expect(run.stdout.trim()).toMatch(/libmemflow_dummy_[0-9a-f]{7}\.(so|dylib)$/);
    },
  );

  test("memflow-ts --help runs from node_modules/.bin", async () => {
    const run = await runCommand([join(projectDir, "node_modules", ".bin", "memflow-ts"), "--help"], {
      cwd: projectDir,
      env,
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Usage: memflow-ts <command>");
  });

  test("the analyzer imports under Node as ESM, without Bun, and analyzes a plugin file", async () => {
    const code = [
      'import { isBinary } from "@memflow-ts/analyzer";',
      'import { analyzeFile } from "@memflow-ts/analyzer/fs";',
      "const [descriptor] = await analyzeFile(process.argv[1]);",
      "console.log(isBinary(new Uint8Array([0x4d, 0x5a, 0, 0])), isBinary(new Uint8Array([1, 2, 3, 4])), descriptor.export_name);",
    ].join("\n");
    const plugin = join(repoRoot, "packages", "analyzer", "test", "fixtures", "elf", "x86_64-gcc.so");
    const node = realNodeBinary();
    const run = await runCommand([node, "--input-type=module", "-e", code, plugin], { cwd: projectDir, env });
    // Compared as whole records, so a failure shows the exit code and stderr too.
    const version = await runCommand([node, "--version"], { cwd: projectDir, env });
    expect({
      node,
      exitCode: version.exitCode,
      stderr: version.stderr,
      major: /^v(\d+)\./.exec(version.stdout) !== null,
    }).toEqual({
      node,
      exitCode: 0,
      stderr: "",
      major: true,
    });
    expect({ exitCode: run.exitCode, stderr: run.stderr, stdout: run.stdout.trim() }).toEqual({
      exitCode: 0,
      stderr: "",
      stdout: "true false MEMFLOW_CONNECTOR_GCC_X86_64",
    });
  });
});

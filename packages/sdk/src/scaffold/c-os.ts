/**
 * The C OS-plugin project: the example OS in templates/os-plugin/ (real C files, named `myos`,
 * renamed here), a build script, and tests that build it and drive it through core's Inventory
 * over the SDK's dummy connector, as `memflow-ts … -c dummy::size=4m -o <name>` does.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { sdkSourceFolders } from "../c-sources.ts";
import { cBuildScript, GITIGNORE, projectPackageJson, type TemplateContext } from "./project-files.ts";

/** The template's files, relative to its folder, with `myos` / `MYOS` in paths and text renamed. */
function templateFiles(name: string): Record<string, string> {
  const template = join(sdkSourceFolders().templates, "os-plugin");
  const rename = (text: string) => text.replaceAll("myos", name).replaceAll("MYOS", name.toUpperCase());
  const files: Record<string, string> = {};
  for (const entry of readdirSync(template, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[rename(relative(template, path))] = rename(readFileSync(path, "utf8"));
  }
  return files;
}

function testFile(name: string): string {
  return `// Builds the OS plugin and drives it through core's Inventory over the SDK's dummy connector,
// as \`memflow-ts … -c dummy::size=4m -o ${name}::procs=3\` does.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory, MemflowError, type Os } from "@memflow-ts/core";
import { buildPlugin, bundledPluginDirectory } from "@memflow-ts/sdk";

const outDir = mkdtempSync(join(tmpdir(), "${name}-test-"));
const cache = mkdtempSync(join(tmpdir(), "${name}-dummy-"));
buildPlugin({ name: "${name}", sources: [join(import.meta.dir, "..", "src", "${name}.c")], outDir });
const inventory = Inventory.scanPath(outDir);
inventory.addDir(bundledPluginDirectory("dummy", cache));
afterAll(() => {
  os.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

function open(osArgs: string): Os {
  return inventory.builder().connector("dummy").args(":size=4m").os("${name}").args(osArgs).build();
}

function errorOf(run: () => unknown): MemflowError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof MemflowError) return error;
    throw error;
  }
  return undefined;
}

const os = open(":procs=3");

describe("${name} over the dummy connector", () => {
  test("lists its processes and finds each by pid, name and address", () => {
    const list = os.processInfoList();
    expect(list.map((info) => [info.pid, info.name])).toEqual([
      [100, "proc0"],
      [101, "proc1"],
      [102, "proc2"],
    ]);
    for (const info of list) {
      expect(os.processInfoByPid(info.pid)).toEqual(info);
      expect(os.processInfoByName(info.name)).toEqual(info);
      expect(os.processInfoByAddress(info.address)).toEqual(info);
    }
    expect(errorOf(() => os.processInfoByPid(7))?.is("OsLayer", "ProcessNotFound")).toBe(true);
    expect(errorOf(() => os.processByName("proc9"))?.is("OsLayer", "ProcessNotFound")).toBe(true);
  });

  test("a process has one module, its image, mapped from its base", () => {
    using process = os.processByPid(101);
    const modules = process.moduleList();
    expect(modules.map((module) => [module.name, module.base])).toEqual([["proc1", 0x400000n]]);
    expect(process.primaryModule()).toEqual(modules[0]);
    expect(process.mappedMemRange(-1).map((range) => range.address)).toEqual([0x400000n]);
  });

  test("virtual reads and writes reach the process's own physical memory through the connector", () => {
    // A process borrows its OS: one open at a time (or intoProcessBy…, which owns it).
    const address = 0x400010n;
    let physical: bigint;
    {
      using process = os.processByPid(101);
      process.write(address, new TextEncoder().encode("hello"));
      expect(new TextDecoder().decode(process.read(address, 5))).toBe("hello");
      physical = process.virtToPhys(address).address;
    }
    {
      using other = os.processByPid(100);
      expect(other.read(address, 5)).toEqual(new Uint8Array(5));
      expect(other.virtToPhys(address).address).not.toBe(physical);
    }
    // The same bytes in physical memory, through the OS's own view of it (virtual = physical).
    expect(new TextDecoder().decode(os.memoryView()?.read(physical, 5))).toBe("hello");
    // And through the OS's PhysicalMemory, which is its input connector's.
    expect(new TextDecoder().decode(os.physicalMemory()?.read(physical, 5))).toBe("hello");
  });

  test("a read that runs past the image is partial: the rest is reported failed", () => {
    using process = os.processByPid(100);
    const end = 0x400000n + (process.moduleList()[0]?.size ?? 0n);
    const [result] = process.readMany([{ address: end - 2n, length: 4 }]);
    expect(result?.done).toBe(2);
    expect(result?.failed).toBe(2);
  });

  test("a process can own its OS instead: intoProcessByName", () => {
    using process = open(":procs=2").intoProcessByName("proc1");
    expect(process.info().pid).toBe(101);
    expect(process.read(0x400000n, 4)).toEqual(new Uint8Array(4));
  });

  test("refuses bad arguments with memflow's errors", () => {
    expect(errorOf(() => open(":procs=0"))?.is("ArgsValidator", "ArgValidation")).toBe(true);
    expect(errorOf(() => open(":colour=red"))?.is("ArgsValidator", "ArgNotExists")).toBe(true);
  });
});
`;
}

function readme(name: string): string {
  return `# ${name}

A memflow OS plugin written in C with [@memflow-ts/sdk](https://www.npmjs.com/package/@memflow-ts/sdk):
\`${name}\` presents \`procs\` processes, each in an equal slice of its input connector's physical
memory. Replace the process table (\`src/${name}/objects.c\`) and the translation
(\`src/${name}/memory.c\`) with your OS's.

\`\`\`sh
bun install
bun run build   # dist/libmemflow_${name}_<digest>.so and its .meta
bun run test    # builds it and drives it through @memflow-ts/core over the dummy connector
\`\`\`

Install the built plugin by copying both files from \`dist/\` to \`~/.local/lib/memflow/\`, then
use it over any connector, as in \`memflow-ts read -c dummy::size=4m -o ${name}::procs=3 0x1000 16\`
(the OS passes physical memory through from its connector).
`;
}

export function cOsProject(context: TemplateContext): Record<string, string> {
  const { name } = context;
  return {
    "package.json": projectPackageJson(context, { build: "bun scripts/build.ts", test: "bun test" }, true),
    ...templateFiles(name),
    "scripts/build.ts": cBuildScript(name),
    [`test/${name}.test.ts`]: testFile(name),
    ".gitignore": GITIGNORE,
    "README.md": readme(name),
  };
}

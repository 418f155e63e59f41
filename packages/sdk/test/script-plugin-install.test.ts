/**
 * TypeScript plugin files read, installed and checked without running them in this process:
 * `readScriptPluginFile` imports a file in a child process (its definitions, or memflow's error
 * naming what is wrong, a hanging or exiting top level contained), `installScriptPluginFile`
 * copies only a usable file, and the conformance checks take a `*.memflow.ts` like a library.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemflowError } from "@memflow-ts/core";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { checkOsPluginFile, checkPluginFile, installScriptPluginFile, readScriptPluginFile } from "../src/index.ts";

// The OS checks run over the bundled C dummy connector, built on first use.
const gcc = requireTool("gcc", "gcc");

const root = mkdtempSync(join(tmpdir(), "memflow-ts-script-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const X64 = '{ kind: "X86", bits: 64, addressExtensions: false }';

/** Writes `<name>` in the test folder with the lines given; returns its path. */
function file(name: string, ...lines: string[]): string {
  const path = join(root, name);
  writeFileSync(path, lines.join("\n"));
  return path;
}

/** An OS definition whose create runs `body` (an OS with no processes when it returns). */
function osFile(name: string, body: string): string {
  return file(
    `${name}.memflow.ts`,
    'import { MemflowError } from "@memflow-ts/core";',
    'import { defineOs } from "@memflow-ts/sdk";',
    `export const ${name} = defineOs({`,
    `  name: "${name}", version: "1.2.3", description: "${name} for tests",`,
    "  create(input, args) {",
    `    ${body}`,
    `    return { info: () => ({ base: 0n, size: 0n, arch: ${X64} }), processInfoList: () => [],`,
    '      process: () => { throw new MemflowError("OsLayer", "ProcessNotFound", "none"); } };',
    "  },",
    "});",
  );
}

async function failure(promise: Promise<unknown>): Promise<MemflowError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MemflowError) return error;
    throw error;
  }
  throw new Error("expected a MemflowError");
}

const empty = osFile("quiet", "");
const throwing = osFile("thrower", 'throw new TypeError("no table at 0x1000");');
const needsArg = osFile(
  "picky",
  'if (!args.extraArgs.get("table")) throw new MemflowError("OsLayer", "Configuration", "give table=");',
);

describe("readScriptPluginFile", () => {
  test("gives the descriptors of the definitions a file exports", async () => {
    const descriptors = await readScriptPluginFile(empty);
    expect(descriptors.map((d) => [d.plugin_kind, d.name, d.version, d.export_name])).toEqual([
      ["os", "quiet", "1.2.3", "MEMFLOW_OS_QUIET"],
    ]);
  });

  test("names the line of a syntax error", async () => {
    const error = await failure(readScriptPluginFile(file("broken.memflow.ts", "export const = ;")));
    expect(error.is("Inventory", "UnableToLoadLibrary")).toBe(true);
    expect(error.message).toContain("broken.memflow.ts");
    expect(error.message).toContain("(line 1, column 14)");
  });

  test("refuses a file that exports no definition", async () => {
    const error = await failure(readScriptPluginFile(file("nothing.memflow.ts", "export const answer = 42;")));
    expect(error.is("Inventory", "MemflowExportsNotFound")).toBe(true);
    expect(error.message).toContain("exports no plugin definition (defineConnector or defineOs)");
  });

  test("contains a top level that hangs or ends its process", async () => {
    const hang = await failure(readScriptPluginFile(file("hang.memflow.ts", "while (true) {}"), { timeout: 1000 }));
    expect(hang.is("Inventory", "UnableToLoadLibrary")).toBe(true);
    expect(hang.message).toContain("importing it did not finish within 1 s");
    const exits = await failure(readScriptPluginFile(file("exits.memflow.ts", "process.exit(3);")));
    expect(exits.message).toContain("its process exited with code 3 while importing it");
  });

  test("with start, refuses a create that throws as a bug does, and lets a deliberate MemflowError pass", async () => {
    expect((await readScriptPluginFile(throwing)).map((d) => d.name)).toEqual(["thrower"]);
    const error = await failure(readScriptPluginFile(throwing, { start: true }));
    expect(error.is("OsLayer", "Unknown")).toBe(true);
    expect(error.message).toContain("TypeError: no table at 0x1000");
    expect((await readScriptPluginFile(needsArg, { start: true })).map((d) => d.name)).toEqual(["picky"]);
  });
});

describe("installScriptPluginFile", () => {
  test("installs a usable file as <name>.memflow.ts, without a .meta, replacing an earlier one", async () => {
    const outDir = join(root, "plugins");
    const installed = await installScriptPluginFile({ file: empty, outDir });
    expect(installed.path).toBe(join(outDir, "quiet.memflow.ts"));
    expect(installed.descriptors.map((d) => d.name)).toEqual(["quiet"]);
    expect(readFileSync(installed.path, "utf8")).toBe(readFileSync(empty, "utf8"));
    const renamed = file("renamed.memflow.ts", readFileSync(empty, "utf8"), "// a second edition");
    await installScriptPluginFile({ file: renamed, outDir });
    expect(readdirSync(outDir)).toEqual(["quiet.memflow.ts"]);
    expect(readFileSync(installed.path, "utf8")).toContain("a second edition");
  });

  test("installs nothing from a file that cannot be used, or is not named *.memflow.ts", async () => {
    const outDir = join(root, "untouched");
    mkdirSync(outDir);
    for (const bad of [throwing, join(root, "broken.memflow.ts"), join(root, "nothing.memflow.ts")]) {
      await failure(installScriptPluginFile({ file: bad, outDir }));
    }
    const plain = file("plain.ts", readFileSync(empty, "utf8"));
    const misnamed = await failure(installScriptPluginFile({ file: plain, outDir }));
    expect(misnamed.is("Other", "InvalidPath")).toBe(true);
    expect(misnamed.message).toContain("named <name>.memflow.ts");
    expect(readdirSync(outDir)).toEqual([]);
    expect(existsSync(join(root, "plugins", "thrower.memflow.ts"))).toBe(false);
  });
});

describe("the conformance checks on a *.memflow.ts", () => {
  test("a TypeScript connector file passes the connector checks, in child processes", async () => {
    const connector = file(
      "zeros.memflow.ts",
      'import { dummyConnector } from "@memflow-ts/sdk";',
      "export const zeros = dummyConnector;",
    );
    const reports = await checkPluginFile(connector, { sampleArgs: [":size=2m"], cycles: 20 });
    expect(reports.filter((report) => !report.ok)).toEqual([]);
    expect(reports.length).toBeGreaterThan(5);
  });

  test.skipIf(!gcc.available)(
    "an OS whose create throws fails the create check with its error, and the run goes on",
    async () => {
      const reports = await checkOsPluginFile(throwing, { cycles: 2 });
      const create = reports.find((report) => report.id === "os-create");
      expect(create?.ok).toBe(false);
      expect(create?.message).toContain("no table at 0x1000");
      expect(reports.every((report) => report.message !== "the check did not run")).toBe(true);
    },
  );
});

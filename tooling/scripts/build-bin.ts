/**
 * `bun run build:bin`: single-file executables of `memflow-ts` and `memflow-ts-server` for each
 * platform (`bun build --compile`, cross-compiled: Bun fetches each target's runtime from npm),
 * into `dist/bin/<target>/` at the repository root. Each carries its JavaScript as minified
 * bytecode and the C it compiles at run time as text (core's source-tree.ts), so it needs
 * neither Bun nor the sources; building plugins (the demo, `plugin install`) still needs a C
 * compiler, as from sources.
 *
 *   bun run build:bin                         every target
 *   bun run build:bin -- --target linux-x64   only these (repeatable)
 *   bun run build:bin -- --out <folder>       somewhere else than dist/bin
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { VERSION_FLAGS } from "../../apps/cli/src/version-flags.ts";
import { CHILD_MODULE_VARIABLE } from "../../packages/core/src/child-module.ts";
import { shimSourcesKey } from "../../packages/core/src/ffi/shim-sources.ts";

export const BIN_TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"] as const;
export type BinTarget = (typeof BIN_TARGETS)[number];
export type BinProgram = "memflow-ts" | "memflow-ts-server";

const ROOT = resolve(import.meta.dir, "..", "..");
export const DEFAULT_BIN_FOLDER = join(ROOT, "dist", "bin");

/** Where a target's executable of a program is: `<out>/<target>/<program>[.exe]`. */
export function binPath(target: BinTarget, program: BinProgram, out = DEFAULT_BIN_FOLDER): string {
  return join(out, target, target.startsWith("windows") ? `${program}.exe` : program);
}

/** The target of this machine, when it is one of BIN_TARGETS. */
export function hostBinTarget(): BinTarget | undefined {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const target = `${os}-${process.arch}`;
  return (BIN_TARGETS as readonly string[]).includes(target) ? (target as BinTarget) : undefined;
}

interface Program {
  readonly main: string;
  /** Whether `main` exports `main()` and runs it only as Bun's main module: the entry calls it then. */
  readonly exportsMain: boolean;
  /**
   * A command line of one of these flags alone is answered by the entry itself, with `line()` as
   * evaluated at build time, before any other module loads: importing `main` (node:fs above all)
   * is most of what `--version` would cost otherwise (decision 0007).
   */
  readonly version?: { readonly flags: readonly string[]; readonly line: () => string };
  /**
   * Modules started as `new Worker(new URL("./<name>.ts", import.meta.url))`, by name. Inside an
   * executable every module's `import.meta.url` is the executable's own entry, so a worker is
   * found only when it is an entry point at the root beside the main one.
   */
  readonly workers: Readonly<Record<string, string>>;
  /** Modules started as child processes (core's childModuleCommand), which the entry runs instead of main. */
  readonly children: readonly string[];
}

const PROGRAMS: Record<BinProgram, Program> = {
  "memflow-ts": {
    main: "apps/cli/src/main.ts",
    exportsMain: true,
    version: { flags: VERSION_FLAGS, line: () => cliVersion() },
    workers: {},
    children: ["packages/sdk/src/testing/child.ts", "packages/sdk/src/script-plugins/script-file-child.ts"],
  },
  "memflow-ts-server": {
    main: "apps/server/src/main.ts",
    exportsMain: false,
    workers: {
      "upload-worker": "apps/server/src/storage/upload-worker.ts",
      "session-worker-input": "apps/server/src/inventory/session-worker-input.ts",
    },
    children: ["apps/server/src/inventory/session-worker.ts", "packages/sdk/src/testing/child.ts"],
  },
};

/** An entry that only imports `module` (a path from the repository root, or absolute). */
export function importOf(module: string): string {
  return `import ${JSON.stringify(resolve(ROOT, module))};\n`;
}

/**
 * The main entry: the child module CHILD_MODULE_VARIABLE names, else the version when the command
 * line asks only for it, else the program. It imports nothing up front (every import is loaded
 * before an entry's first line runs), and prints with Bun.write, which needs no module.
 */
function mainEntry(program: Program): string {
  const variable = JSON.stringify(CHILD_MODULE_VARIABLE);
  const main = JSON.stringify(resolve(ROOT, program.main));
  const lines = [`const child = process.env[${variable}];`, `delete process.env[${variable}];`];
  for (const module of program.children) {
    const name = JSON.stringify(basename(module).replace(/\.ts$/, ""));
    lines.push(`if (child === ${name}) await import(${JSON.stringify(resolve(ROOT, module))});`, "else");
  }
  const run = program.exportsMain ? `await (await import(${main})).main();` : `await import(${main});`;
  if (program.version) {
    const flags = JSON.stringify(program.version.flags);
    const line = JSON.stringify(`${program.version.line()}\n`);
    // A write that fails (a reader gone: EPIPE) runs the program, which reports it as it would.
    lines.push(
      `if (process.argv.length === 3 && ${flags}.includes(process.argv[2])) {`,
      `  try { await Bun.write(Bun.stdout, ${line}); } catch { ${run} }`,
      "} else",
    );
  }
  lines.push(run);
  return `${lines.join("\n")}\n`;
}

/** The CLI's version, which its executable prints without loading package.json (cli.ts). */
function cliVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "apps", "cli", "package.json"), "utf8")) as { version: string }).version;
}

export class BinBuildError extends Error {
  override readonly name = "BinBuildError";
}

/**
 * Compiles entries (their source, by name) into one executable the way every memflow-ts
 * executable is built, the first one its main: the bench builds its hello-world with this too,
 * so both pay the same.
 */
export async function compileModules(
  entrySources: Readonly<Record<string, string>>,
  target: BinTarget,
  outfile: string,
  define: Record<string, string> = {},
): Promise<void> {
  const entries = mkdtempSync(join(tmpdir(), "memflow-ts-bin-"));
  try {
    const entrypoints = Object.entries(entrySources).map(([name, source]) => {
      const entry = join(entries, `${name}.ts`);
      writeFileSync(entry, source);
      return entry;
    });
    mkdirSync(dirname(outfile), { recursive: true });
    const result = await Bun.build({
      entrypoints,
      compile: { target: `bun-${target}`, outfile },
      // Top-level await in main.ts: bytecode is ESM only inside an executable.
      format: "esm",
      minify: true,
      bytecode: true,
      // Commands load their modules when they run (cli.ts): as chunks, the rest is never read.
      splitting: true,
      define,
    });
    if (!result.success) throw new BinBuildError(result.logs.map((log) => String(log)).join("\n"));
  } catch (error) {
    if (error instanceof BinBuildError) throw error;
    // Bun.build throws an AggregateError of build messages; a runtime it cannot fetch lands here too.
    const detail = error instanceof AggregateError ? error.errors.map(String).join("\n") : String(error);
    throw new BinBuildError(detail, { cause: error });
  } finally {
    rmSync(entries, { recursive: true, force: true });
  }
}

/** Builds one program for one target; returns the executable's path. */
export async function buildExecutable(
  target: BinTarget,
  program: BinProgram,
  out = DEFAULT_BIN_FOLDER,
): Promise<string> {
  const outfile = binPath(target, program, out);
  try {
    const { workers } = PROGRAMS[program];
    const entries = { main: mainEntry(PROGRAMS[program]) } as Record<string, string>;
    for (const [name, module] of Object.entries(workers)) entries[name] = importOf(module);
    await compileModules(entries, target, outfile, {
      MEMFLOW_TS_CLI_VERSION: JSON.stringify(cliVersion()),
      // The digest of the shim's sources it embeds, computed once here rather than at each start (shim.ts).
      MEMFLOW_TS_SHIM_SOURCES_KEY: JSON.stringify(shimSourcesKey()),
    });
  } catch (error) {
    if (error instanceof BinBuildError)
      throw new BinBuildError(`${program} for ${target}: ${error.message}`, { cause: error });
    throw error;
  }
  return outfile;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { target: { type: "string", multiple: true }, out: { type: "string" } },
    strict: true,
  });
  const unknown = (values.target ?? []).filter((target) => !(BIN_TARGETS as readonly string[]).includes(target));
  if (unknown.length > 0) {
    process.stderr.write(`[X] unknown target ${unknown.join(", ")}; the targets are ${BIN_TARGETS.join(", ")}\n`);
    return 2;
  }
  const targets = (values.target ?? BIN_TARGETS) as readonly BinTarget[];
  const out = resolve(values.out ?? DEFAULT_BIN_FOLDER);
  let failed = 0;
  for (const target of targets) {
    for (const program of Object.keys(PROGRAMS) as BinProgram[]) {
      try {
        const path = await buildExecutable(target, program, out);
        process.stdout.write(`[=] ${path}\n`);
      } catch (error) {
        if (!(error instanceof BinBuildError)) throw error;
        failed += 1;
        process.stderr.write(
          `[X] ${error.message}\n    the other targets are built; retry this one when its runtime can be fetched\n`,
        );
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));

/**
 * The native shim (`shim.c`), built the first time a plugin is loaded. With a C compiler on
 * PATH (cc, gcc or clang) it is compiled to a shared library, cached under the user's cache
 * directory; without one, Bun's built-in TinyCC compiles it in memory, so users need no
 * compiler. TinyCC's code is about half as fast on the per-request work of a batch (see
 * docs/decisions/0003-native-shim.md). `MEMFLOW_TS_SHIM=tinycc` or `=system` forces a choice.
 */
import { cc, dlopen, linkSymbols, type Pointer } from "bun:ffi";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MemflowError } from "../error.ts";
import { cacheDirectory } from "../plugin-files/cache-directory.ts";
import { compilerIdentity, findCompiler } from "../plugin-files/native-toolchain.ts";

/**
 * The shim's sources (140 KB of text), loaded when first needed: to compile the shim, or, from
 * sources, for their digest. An executable that finds its cached build needs none of them
 * (loading them took about 0.4 ms in an executable that did only that).
 */
const shimSources = () => require("./shim-sources.ts") as typeof import("./shim-sources.ts");

/**
 * Writing sources for a compiler, loaded with them: in an executable it shares a chunk with the
 * ABI headers' text (43 KB), which a command that finds its cached shim never reads.
 */
const sourceTree = () => require("../plugin-files/source-tree.ts") as typeof import("../plugin-files/source-tree.ts");

const SYMBOLS = {
  mf_open: { args: ["cstring", "ptr", "u64"], returns: "ptr" },
  mf_symbol: { args: ["ptr", "cstring"], returns: "ptr" },
  mf_reserve_fn: { args: [], returns: "ptr" },
  // The last "ptr" of each call into a plugin names the plugin for a crash report (pluginLabel).
  mf_create_connector: { args: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  mf_create_os: { args: ["ptr", "ptr", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  mf_clone: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "void" },
  mf_drop: { args: ["ptr", "ptr"], returns: "void" },
  mf_metadata: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "void" },
  // A batch of reads or writes, physical or virtual (`how`: transfer.h's TRANSFER_*).
  mf_transfer: { args: ["ptr", "ptr", "ptr", "ptr", "u64", "u32", "ptr"], returns: "i32" },
  // The same for readBatch/writeBatch: records (transfer-records.h's BatchRecord), their buffer, count, how, plugin.
  mf_transfer_records: { args: ["ptr", "ptr", "ptr", "ptr", "u64", "u32", "ptr"], returns: "i32" },
  // writeEach's: the records to lay out, the addresses (u64s), the bytes, count, one length, how, plugin.
  mf_transfer_each: { args: ["ptr", "ptr", "ptr", "ptr", "ptr", "u64", "u32", "u32", "ptr"], returns: "i32" },
  mf_read_into: { args: ["ptr", "ptr", "u64", "ptr", "u64", "u32", "ptr"], returns: "f64" },
  // Any other call of the OS layer: shape, entry, container, arguments, out, the entry's name (os-calls.h).
  mf_os_call: { args: ["u32", "ptr", "ptr", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  mf_list_free: { args: ["ptr"], returns: "void" },
  mf_help: { args: ["ptr", "ptr", "ptr"], returns: "void" },
  mf_targets: { args: ["ptr", "ptr", "ptr"], returns: "i32" },
  mf_strings_free: { args: ["ptr"], returns: "void" },
  mf_logger_new: { args: ["u64"], returns: "ptr" },
  mf_logger_set_level: { args: ["ptr", "u64"], returns: "void" },
  mf_log_drain: { args: ["ptr", "u64", "ptr"], returns: "u64" },
  mf_guard_install: { args: [], returns: "void" },
  // A TypeScript connector as a native plugin's input (script-input.h).
  mf_script_callbacks_set: { args: ["ptr", "ptr", "ptr", "ptr", "ptr"], returns: "void" },
  mf_script_input_new: { args: ["u32", "ptr"], returns: "bool" },
  // A TypeScript OS as a native connector's input (script-os.h).
  mf_script_os_callbacks_set: { args: ["ptr", "ptr"], returns: "void" },
  mf_script_os_input_new: { args: ["u32", "ptr"], returns: "i32" },
} as const;

type Linked = { [Name in keyof typeof SYMBOLS]: (typeof SYMBOLS)[Name] & { ptr: Pointer } };
export type ShimKind = "system" | "tinycc";

/**
 * TinyCC, in memory. Its functions are bound again through `linkSymbols`: calls through `cc`'s
 * own wrappers cost about twice as much (measured 32 ns against 16 ns for an empty call).
 */
function compileWithTinyCC() {
  const folder = shimSourceFolder();
  const { SHIM_INCLUDE_FOLDER, SHIM_SOURCE } = shimSources();
  const compiled = cc({
    source: join(folder, SHIM_SOURCE),
    include: [join(folder, SHIM_INCLUDE_FOLDER)],
    symbols: SYMBOLS,
  }).symbols as unknown as Record<string, { ptr: Pointer | null }>;
  const withPointers = Object.fromEntries(
    Object.entries(SYMBOLS).map(([name, signature]) => [name, { ...signature, ptr: compiled[name]?.ptr ?? null }]),
  );
  return linkSymbols(withPointers as unknown as Linked).symbols;
}

/** node:os, loaded when first needed (importing it alone took 0.2–0.4 ms): the usual path needs none of it. */
function nodeOs(): typeof import("node:os") {
  return require("node:os") as typeof import("node:os");
}

/** The user's home: $HOME when set, which is what node:os's homedir returns first. */
function homeDirectory(): string {
  return process.env.HOME || nodeOs().homedir();
}

function createdFolder(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true });
    return true;
  } catch {
    return false; // not writable
  }
}

/** memflow-ts's cache folder, or one in the temporary folder where that cannot be created. */
function writableCacheDirectory(): string {
  const cache = cacheDirectory({ env: process.env, home: homeDirectory() });
  if (createdFolder(cache)) return cache;
  const temporary = join(nodeOs().tmpdir(), "memflow-ts-cache");
  return createdFolder(temporary) ? temporary : nodeOs().tmpdir();
}

/** The shim's sources as files a compiler can read (they are embedded in a compiled executable). */
function shimSourceFolder(): string {
  return sourceTree().materialiseSourceTree(shimSources().SHIM_SOURCES, writableCacheDirectory());
}

/**
 * shimSourcesKey() of the sources a single-file executable embeds, put in by its build
 * (tooling/scripts/build-bin.ts); from sources, undefined, and computed here.
 */
declare const MEMFLOW_TS_SHIM_SOURCES_KEY: string | undefined;

function sourcesKey(): string {
  if (typeof MEMFLOW_TS_SHIM_SOURCES_KEY === "string") return MEMFLOW_TS_SHIM_SOURCES_KEY;
  // From sources, the same digest of the files as they are on disk: loading the twenty texts as
  // modules cost more than the rest of finding the cached shim (decision 0007).
  const onDisk = require("./shim-source-files.ts") as typeof import("./shim-source-files.ts");
  return onDisk.shimSourcesKeyOnDisk() ?? shimSources().shimSourcesKey();
}

/** The system compiler's build of the shim, compiled once per source, ABI header, compiler and Bun version. */
function compileWithSystemCompiler(): ReturnType<typeof compileWithTinyCC> | undefined {
  const choice = findCompiler();
  if (choice?.kind !== "system") return undefined;
  const compiler = choice.path;
  const version = compilerIdentity(compiler);
  const key = new Bun.CryptoHasher("sha256")
    .update(sourcesKey())
    .update(version)
    .update(`${Bun.version}/${process.platform}/${process.arch}`)
    .digest("hex")
    .slice(0, 16);
  const library = join(writableCacheDirectory(), `shim-${key}.so`);
  if (!existsSync(library)) {
    // Build beside the target and rename, so a concurrent process never loads half a file.
    const partial = `${library}.${process.pid}.tmp`;
    const folder = shimSourceFolder();
    const { SHIM_INCLUDE_FOLDER, SHIM_SOURCE } = shimSources();
    const include = `-I${join(folder, SHIM_INCLUDE_FOLDER)}`;
    const build = Bun.spawnSync(
      [compiler, "-O2", "-shared", "-fPIC", "-pthread", include, "-o", partial, join(folder, SHIM_SOURCE), "-ldl"],
      { stdout: "ignore", stderr: "pipe" },
    );
    if (build.exitCode !== 0) {
      rmSync(partial, { force: true });
      return undefined;
    }
    renameSync(partial, library);
  }
  try {
    return dlopen(library, SYMBOLS as unknown as Linked).symbols;
  } catch {
    // Built, but not for this process ($CC a cross compiler, say): TinyCC builds one that is.
    rmSync(library, { force: true });
    return undefined;
  }
}

export type Shim = ReturnType<typeof compileWithTinyCC>;

let shim: { kind: ShimKind; symbols: Shim } | undefined;

function build(): { kind: ShimKind; symbols: Shim } {
  const wanted = process.env.MEMFLOW_TS_SHIM;
  if (wanted !== "tinycc") {
    const system = compileWithSystemCompiler();
    if (system) return { kind: "system", symbols: system };
    if (wanted === "system")
      throw new MemflowError(
        "Ffi",
        "NotSupported",
        "MEMFLOW_TS_SHIM=system, but no C compiler ($CC, cc, gcc, clang) could build the shim",
      );
  }
  return { kind: "tinycc", symbols: compileWithTinyCC() };
}

/** The shim, built on first use; from then on a crash in plugin code is reported as the plugin's. */
function loaded(): { kind: ShimKind; symbols: Shim } {
  if (shim === undefined) {
    shim = build();
    shim.symbols.mf_guard_install();
  }
  return shim;
}

export function nativeShim(): Shim {
  return loaded().symbols;
}

/** Which compiler built the shim in use. */
export function nativeShimKind(): ShimKind {
  return loaded().kind;
}

/**
 * `buildPlugin`: compile a C plugin into a shared library named and described the way
 * memflowup installs plugins: `libmemflow_<name>_<digest7>.so` (`.dylib`, or
 * `memflow_<name>_<digest7>.dll`) beside a `.meta` sidecar with its sha256 digest, an empty
 * signature, a zone-less `created_at` and the descriptors the analyzer reads from the binary.
 * The binary is renamed into place first, then the `.meta`, each atomically.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import {
  ABI_INCLUDE_DIRECTORY,
  createdAtFromNanoseconds,
  type HostPlatform,
  installedFileName,
  replaceFileDurably,
} from "@memflow-ts/core";
import { BuildError, findCompiler, runCompiler, runCompilerAsync } from "./compiler.ts";
import { formatPluginMeta, type PluginMetaFile } from "./plugin-meta.ts";

/** Where the SDK's C header lives, for `-I` (with core's `ABI_INCLUDE_DIRECTORY`, which it includes). */
export const INCLUDE_DIRECTORY = join(import.meta.dir, "..", "include");

export interface BuildPluginOptions {
  /** The plugin name, as in `libmemflow_<name>_…` (letters, digits, `_`). */
  readonly name: string;
  readonly sources: readonly string[];
  readonly outDir: string;
  /** The platform the library is for (default: this one); `win32` builds a DLL. */
  readonly platform?: HostPlatform;
  /** The compiler to run (default: `$CC`, `cc`, `gcc`, `clang`); a cross compiler for other targets. */
  readonly compiler?: string;
  /** Extra compiler arguments (defines, libraries). */
  readonly flags?: readonly string[];
  /** Write the `.meta` sidecar (default true). */
  readonly meta?: boolean;
}

export interface BuiltPlugin {
  readonly path: string;
  readonly metaPath: string | undefined;
  readonly digest: string;
  readonly descriptors: PluginDescriptorInfo[];
  readonly meta: PluginMetaFile;
}

const NAME = /^[A-Za-z0-9_]+$/;

function hostPlatform(): HostPlatform {
  return process.platform === "win32" || process.platform === "darwin" ? process.platform : "linux";
}

/** chrono's `Utc::now().naive_utc()` as memflowup writes it: no zone, nanosecond digits. */
function nowCreatedAt(): string {
  const nanoseconds = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  return createdAtFromNanoseconds(nanoseconds).text;
}

/** A build of one plugin: the compiler command, then what to do with its output. */
interface BuildPlan {
  readonly command: readonly string[];
  /** Analyses and installs the compiled library, then removes the compiler's output file. */
  finish(): BuiltPlugin;
  /** Removes whatever a failed compiler left behind. */
  discard(): void;
}

function planBuild(options: BuildPluginOptions): BuildPlan {
  if (!NAME.test(options.name))
    throw new BuildError(`plugin name ${JSON.stringify(options.name)} may only use letters, digits and _`);
  if (options.sources.length === 0) throw new BuildError("buildPlugin needs at least one source file");
  const platform = options.platform ?? hostPlatform();
  const compiler = findCompiler(options.compiler);
  mkdirSync(options.outDir, { recursive: true });
  const temporary = join(
    options.outDir,
    `.building-${options.name}-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const command = [
    compiler,
    "-shared",
    ...(platform === "win32" ? [] : ["-fPIC"]),
    "-O2",
    "-std=c11",
    "-D_DEFAULT_SOURCE",
    "-D_DARWIN_C_SOURCE",
    `-I${INCLUDE_DIRECTORY}`,
    `-I${ABI_INCLUDE_DIRECTORY}`,
    ...(options.flags ?? []),
    "-o",
    temporary,
    ...options.sources,
  ];
  const discard = () => rmSync(temporary, { force: true });
  const finish = () => {
    try {
      const bytes = new Uint8Array(readFileSync(temporary));
      const descriptors = parseDescriptors(bytes);
      if (descriptors.length === 0) {
        throw new BuildError(
          `${options.name}: the library exports no memflow descriptor (use MEMFLOW_CONNECTOR(...) from memflow-plugin.h)`,
        );
      }
      return place(temporary, bytes, descriptors, {
        name: options.name,
        platform,
        outDir: options.outDir,
        meta: options.meta !== false,
        signature: "",
      });
    } finally {
      discard();
    }
  };
  return { command, finish, discard };
}

/** Compiles and installs a plugin; blocks until the compiler is done. */
export function buildPlugin(options: BuildPluginOptions): BuiltPlugin {
  const plan = planBuild(options);
  try {
    runCompiler(plan.command);
  } catch (error) {
    plan.discard();
    throw error;
  }
  return plan.finish();
}

/** `buildPlugin` that lets the event loop run while the compiler works (for a spinner, say). */
export async function buildPluginAsync(options: BuildPluginOptions): Promise<BuiltPlugin> {
  const plan = planBuild(options);
  try {
    await runCompilerAsync(plan.command);
  } catch (error) {
    plan.discard();
    throw error;
  }
  return plan.finish();
}

/**
 * Moves a finished library from `temporary` (in `outDir`) to memflowup's name for it, then writes
 * the `.meta`: the binary is complete before the sidecar that names it exists.
 */
function place(
  temporary: string,
  bytes: Uint8Array,
  descriptors: PluginDescriptorInfo[],
  options: { name: string; platform: HostPlatform; outDir: string; meta: boolean; signature: string },
): BuiltPlugin {
  const digest = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const path = join(options.outDir, installedFileName(options.name, digest, options.platform));
  renameSync(temporary, path);
  const meta: PluginMetaFile = { digest, signature: options.signature, created_at: nowCreatedAt(), descriptors };
  let metaPath: string | undefined;
  if (options.meta) {
    metaPath = path.replace(/\.[^./\\]+$/, ".meta");
    replaceFileDurably(metaPath, formatPluginMeta(meta));
  }
  return { path, metaPath, digest, descriptors, meta };
}

const PLATFORM_OF: Record<PluginDescriptorInfo["file_type"], HostPlatform> = {
  elf: "linux",
  mach: "darwin",
  pe: "win32",
};

export interface InstallPluginOptions {
  /** The plugin library to install. */
  readonly file: string;
  /** The plugin folder (memflowup's is `userPluginDirectory(...)` from core). */
  readonly outDir: string;
  /** Its registry signature, kept in the `.meta` (default: none). */
  readonly signature?: string;
}

/**
 * Installs an existing plugin library as memflowup does: named `libmemflow_<name>_<digest7>`
 * after its first descriptor, with a `.meta` beside it, both written atomically.
 */
export function installPluginFile(options: InstallPluginOptions): BuiltPlugin {
  const bytes = new Uint8Array(readFileSync(options.file));
  const descriptors = parseDescriptors(bytes);
  const first = descriptors[0];
  if (first === undefined) {
    throw new BuildError(`${options.file} exports no memflow plugin descriptor, so memflow would never load it`);
  }
  mkdirSync(options.outDir, { recursive: true });
  const temporary = join(options.outDir, `.installing-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(temporary, bytes);
    return place(temporary, bytes, descriptors, {
      name: first.name,
      platform: PLATFORM_OF[first.file_type],
      outDir: options.outDir,
      meta: true,
      signature: options.signature ?? "",
    });
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * `buildPlugin`: compile a C plugin into a shared library installed the way memflowup installs
 * plugins — `libmemflow_<name>_<digest7>.so` (`.dylib`, or `memflow_<name>_<digest7>.dll`)
 * beside a `.meta` with its sha256 digest, an empty signature, a zone-less `created_at` and the
 * descriptors the analyzer reads from the binary — through core's `installPlugin`.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { installPlugin } from "@memflow-ts/core/install";
import {
  createdAtNow,
  type HostPlatform,
  hostPlatform,
  type PluginMetadata,
  platformOfFileType,
  pluginNameProblem,
} from "@memflow-ts/core/plugin-files";
import { sdkSourceFolders } from "./c-sources.ts";
import { BuildError, pluginCompiler, runCompiler, runCompilerAsync } from "./compiler.ts";

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
  readonly meta: PluginMetadata;
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
  const problem = pluginNameProblem(options.name);
  if (problem !== undefined) throw new BuildError(problem);
  if (options.sources.length === 0) throw new BuildError("buildPlugin needs at least one source file");
  const platform = options.platform ?? hostPlatform(process.platform);
  const compiler = pluginCompiler(options.compiler);
  mkdirSync(options.outDir, { recursive: true });
  const temporary = join(
    options.outDir,
    `.building-${options.name}-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const folders = sdkSourceFolders();
  const command = [
    compiler,
    "-shared",
    ...(platform === "win32" ? [] : ["-fPIC"]),
    "-O2",
    "-std=c11",
    "-D_DEFAULT_SOURCE",
    "-D_DARWIN_C_SOURCE",
    `-I${folders.include}`,
    `-I${folders.abi}`,
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
      return install(bytes, descriptors, {
        name: options.name,
        directory: options.outDir,
        platform,
        signature: "",
        meta: options.meta !== false,
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

interface InstallSettings {
  /** The name in the file name; default: the first descriptor's. */
  readonly name?: string;
  readonly directory: string;
  readonly platform: HostPlatform;
  readonly signature: string;
  /** Whether to write the `.meta`; without it only the library is installed. */
  readonly meta: boolean;
}

/** Installs a library's bytes with core's installPlugin, stamped now. */
function install(bytes: Uint8Array, descriptors: PluginDescriptorInfo[], settings: InstallSettings): BuiltPlugin {
  const digest = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const meta: PluginMetadata = { digest, signature: settings.signature, created_at: createdAtNow().text, descriptors };
  const installed = installPlugin({
    directory: settings.directory,
    metadata: meta,
    bytes,
    platform: settings.platform,
    name: settings.name,
    meta: settings.meta,
  });
  return { path: installed.path, metaPath: installed.metaPath, digest, descriptors, meta };
}

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
  return install(bytes, descriptors, {
    directory: options.outDir,
    platform: platformOfFileType(first.file_type),
    signature: options.signature ?? "",
    meta: true,
  });
}

/**
 * Plugins laid out like real ones, built with real toolchains: megabytes of `.text` and
 * `.rodata` before the descriptor, and tens of thousands of pointers in `.data.rel.ro`, each a
 * relative relocation (or a RELR bit, or a PE base relocation, or a Mach-O rebase), so the
 * descriptor's own relocations sit in the middle of a large table. The realistic scan bench
 * builds its corpus with these; the relocation search tests build small ones.
 *
 * The C source is generated here (freestanding: no headers, no libc), from the values the
 * expectation is written from, never from running the analyzer.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PluginDescriptorInfo } from "../../src/index.ts";

export type Toolchain = "gcc" | "clang-lld" | "mingw" | "macho";

export interface RealisticPlugin {
  /** File name stem, also the export's suffix. */
  readonly id: string;
  readonly toolchain: Toolchain;
  /** 32- or 64-bit. */
  readonly bits: 32 | 64;
  /** ELF only: `-z pack-relative-relocs` (DT_RELR) instead of RELA/REL relative entries. */
  readonly relr?: boolean;
  /** Bytes of machine code (nops) before everything else. */
  readonly textBytes: number;
  /** Bytes of read-only data. */
  readonly rodataBytes: number;
  /** Pointers needing a relocation each, about half of them before the descriptor. */
  readonly pointers: number;
  /** Extra linker arguments, one a word (e.g. `-z`, `nocombreloc`). */
  readonly linkFlags?: readonly string[];
}

/** What a build needs on PATH, and the Debian package that provides it. */
export const TOOLCHAIN_TOOLS: Record<Toolchain, { command: string; debianPackage: string }> = {
  gcc: { command: "gcc", debianPackage: "gcc" },
  "clang-lld": { command: "ld.lld-16", debianPackage: "lld-16" },
  mingw: { command: "x86_64-w64-mingw32-gcc", debianPackage: "gcc-mingw-w64" },
  macho: { command: "ld64.lld-16", debianPackage: "lld-16" },
};

export function exportName(plugin: RealisticPlugin): string {
  return `MEMFLOW_CONNECTOR_${plugin.id.toUpperCase().replaceAll(/[^A-Z0-9]/g, "_")}`;
}

/** The descriptor the source defines, as the analyzer must report it. */
export function expectedDescriptor(plugin: RealisticPlugin): PluginDescriptorInfo {
  const wide = plugin.bits === 64;
  const fileType = plugin.toolchain === "mingw" ? "pe" : plugin.toolchain === "macho" ? "mach" : "elf";
  return {
    plugin_kind: "connector",
    export_name: exportName(plugin),
    file_type: fileType,
    architecture: wide ? "x86_64" : "x86",
    plugin_version: 1,
    name: plugin.id,
    version: `${plugin.textBytes}.${plugin.rodataBytes}.${plugin.pointers}`,
    description: `${plugin.toolchain} ${plugin.bits}-bit${plugin.relr ? " relr" : ""} plugin with ${plugin.pointers} relocated pointers`,
  };
}

const cString = (text: string) => JSON.stringify(text);

/** Pointers into a small array, spread so each is a distinct value. */
function pointerArray(name: string, count: number): string {
  const entries = Array.from({ length: count }, (_, index) => `anchor + ${index % 61}`);
  return `__attribute__((used)) static const unsigned char *const ${name}[${Math.max(count, 1)}] = {\n${entries.join(",\n")}\n};\n`;
}

export function realisticSource(plugin: RealisticPlugin): string {
  const expected = expectedDescriptor(plugin);
  const before = Math.floor(plugin.pointers / 2);
  const slice = (name: string, text: string) => `{ (const unsigned char *)${name}, ${Buffer.byteLength(text)} }`;
  return `typedef __SIZE_TYPE__ usize;
struct slice { const unsigned char *ptr; usize len; };
struct descriptor {
  int plugin_version; _Bool accept_input; const void *input_layout; const void *output_layout;
  struct slice name; struct slice version; struct slice description;
  void *help_callback; void *target_list_callback; int (*create)(void);
};
#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif
#if defined(_WIN32)
int __stdcall dll_main(void *module, unsigned reason, void *reserved) { return 1; }
#endif
void pad_text(void) { __asm__ volatile(".fill ${plugin.textBytes}, 1, 0x90"); }
__attribute__((used)) static const unsigned char pad_rodata[${plugin.rodataBytes}] = { 1 };
static const char plugin_name[] = ${cString(expected.name)};
static const char plugin_version[] = ${cString(expected.version)};
static const char plugin_description[] = ${cString(expected.description)};
static const unsigned char anchor[64] = { 1 };
static int create(void) { return 0; }
${pointerArray("pointers_before", before)}
EXPORT const struct descriptor ${exportName(plugin)} = {
  1, 0, 0, 0,
  ${slice("plugin_name", expected.name)},
  ${slice("plugin_version", expected.version)},
  ${slice("plugin_description", expected.description)},
  0, 0, create,
};
${pointerArray("pointers_after", plugin.pointers - before)}`;
}

const COMMON = ["-std=c11", "-O1", "-ffreestanding", "-fvisibility=hidden", "-fno-asynchronous-unwind-tables"];

/** The commands that build `plugin` from `source` into `output`, in order. */
export function buildCommands(plugin: RealisticPlugin, source: string, output: string): string[][] {
  const linkFlags = [...(plugin.relr ? ["-z", "pack-relative-relocs"] : []), ...(plugin.linkFlags ?? [])];
  // An ELF shared library, position-independent, without libc or a build id (which would differ per build).
  const elf = [...COMMON, "-fPIC", "-shared", "-nostdlib", "-Wl,--build-id=none"];
  const elfLink = [...(linkFlags.length > 0 ? [`-Wl,${linkFlags.join(",")}`] : []), "-o", output, source];
  switch (plugin.toolchain) {
    case "gcc":
      return [["gcc", plugin.bits === 64 ? "-m64" : "-m32", ...elf, ...elfLink]];
    case "clang-lld": {
      const target = plugin.bits === 64 ? "x86_64-linux-gnu" : "i686-linux-gnu";
      return [["clang-16", `--target=${target}`, "-fuse-ld=lld", "--ld-path=ld.lld-16", ...elf, ...elfLink]];
    }
    case "mingw": {
      const [compiler, entry] =
        plugin.bits === 64 ? ["x86_64-w64-mingw32-gcc", "dll_main"] : ["i686-w64-mingw32-gcc", "_dll_main@12"];
      return [
        [
          compiler,
          ...COMMON,
          "-shared",
          "-nostdlib",
          "-s",
          "-Wl,--no-insert-timestamp",
          `-Wl,--entry=${entry}`,
          "-o",
          output,
          source,
        ],
      ];
    }
    case "macho": {
      const object = `${output}.o`;
      return [
        ["clang-16", "--target=x86_64-apple-macos11", ...COMMON, "-nostdinc", "-c", "-o", object, source],
        [
          "ld64.lld-16",
          "-dylib",
          "-arch",
          "x86_64",
          "-platform_version",
          "macos",
          "11.0",
          "11.0",
          ...(plugin.linkFlags ?? []),
          "-o",
          output,
          object,
        ],
      ];
    }
  }
}

/** Builds `plugin` into `directory`; returns the file's path. Throws with the compiler's output on failure. */
export function buildRealisticPlugin(plugin: RealisticPlugin, directory: string): string {
  const source = join(directory, `${plugin.id}.c`);
  const extension = plugin.toolchain === "mingw" ? "dll" : plugin.toolchain === "macho" ? "dylib" : "so";
  const output = join(directory, `${plugin.id}.${extension}`);
  writeFileSync(source, realisticSource(plugin));
  for (const command of buildCommands(plugin, source, output)) {
    const result = Bun.spawnSync(command, { stderr: "pipe", stdout: "pipe" });
    if (result.exitCode !== 0) {
      throw new Error(`${command.join(" ")} failed:\n${result.stderr.toString()}`);
    }
  }
  return output;
}

/**
 * The realistic scan corpus: plugins built by gcc (GNU ld), clang with ld.lld, mingw-w64 and
 * clang with ld64.lld, laid out like real ones (see test/support/realistic-plugin.ts), copied to
 * 500 files. Built once into a cache folder (not the repository) and reused while the generator
 * and the toolchains' outputs stay the same; a row whose toolchain is missing is skipped with a
 * message naming its Debian package.
 *
 * ANALYZER_CORPUS_DIR overrides the folder; SCAN_FILES the number of files.
 */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import type { PluginDescriptorInfo } from "../src/index.ts";
import { Random } from "../test/support/random.ts";
import {
  buildRealisticPlugin,
  expectedDescriptor,
  type RealisticPlugin,
  TOOLCHAIN_TOOLS,
} from "../test/support/realistic-plugin.ts";

/** Bump when the generator or the rows change, so an old cache is not reused. */
const CORPUS_VERSION = 1;
const MIB = 1024 * 1024;
const POINTERS = 20_000;

/** Two paddings per row: a mid-sized plugin and a 9.5 MiB one, like the example. */
const PADDINGS = [
  { textBytes: 3 * MIB, rodataBytes: 2 * MIB },
  { textBytes: 6 * MIB, rodataBytes: 3 * MIB },
];

const ROWS: Omit<RealisticPlugin, "id" | "textBytes" | "rodataBytes" | "pointers">[] = [
  { toolchain: "gcc", bits: 64 },
  { toolchain: "gcc", bits: 64, relr: true },
  { toolchain: "gcc", bits: 32 },
  { toolchain: "gcc", bits: 32, relr: true },
  { toolchain: "clang-lld", bits: 64 },
  { toolchain: "clang-lld", bits: 64, relr: true },
  { toolchain: "clang-lld", bits: 32 },
  { toolchain: "clang-lld", bits: 32, relr: true },
  { toolchain: "mingw", bits: 64 },
  { toolchain: "mingw", bits: 32 },
  { toolchain: "macho", bits: 64 },
  { toolchain: "macho", bits: 64, linkFlags: ["-fixup_chains"] },
];

export interface CorpusEntry {
  readonly path: string;
  /** The build this file copies, e.g. `gcc-64-relr-9`. */
  readonly build: string;
  readonly expected: PluginDescriptorInfo[];
}

export interface Corpus {
  readonly directory: string;
  readonly files: CorpusEntry[];
  /** One file per distinct build (the first copy of each). */
  readonly builds: CorpusEntry[];
  readonly skipped: string[];
}

function rowId(row: (typeof ROWS)[number], padding: (typeof PADDINGS)[number]): string {
  const parts = [row.toolchain, String(row.bits), row.relr ? "relr" : "", row.linkFlags ? "chained" : ""];
  const megabytes = Math.round((padding.textBytes + padding.rodataBytes) / MIB);
  return [...parts.filter(Boolean), String(megabytes)].join("-");
}

/** Builds (or finds in the cache) the corpus of `count` files. */
export function realisticCorpus(count = Number(process.env.SCAN_FILES ?? 500)): Corpus {
  const root = process.env.ANALYZER_CORPUS_DIR ?? join(homedir(), ".cache", "memflow-ts", "analyzer-corpus");
  const directory = join(root, `v${CORPUS_VERSION}-${count}`);
  const manifestPath = join(directory, "manifest.json");
  if (existsSync(manifestPath)) return JSON.parse(readFileSync(manifestPath, "utf8")) as Corpus;

  // Built beside the final folder and renamed into place, so an interrupted build is never reused.
  const staging = `${directory}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "builds"), { recursive: true });
  const skipped: string[] = [];
  const built: { id: string; path: string; expected: PluginDescriptorInfo[] }[] = [];
  for (const row of ROWS) {
    const tool = TOOLCHAIN_TOOLS[row.toolchain];
    if (!Bun.which(tool.command)) {
      skipped.push(
        `${row.toolchain} ${row.bits}-bit: ${tool.command} is missing (Debian package ${tool.debianPackage})`,
      );
      continue;
    }
    for (const padding of PADDINGS) {
      const id = rowId(row, padding);
      const plugin: RealisticPlugin = { ...row, ...padding, id: id.replaceAll("-", "_"), pointers: POINTERS };
      try {
        const path = buildRealisticPlugin(plugin, join(staging, "builds"));
        built.push({ id, path, expected: [expectedDescriptor(plugin)] });
      } catch (error) {
        // gcc -m32 needs 32-bit support in binutils and gcc; say what to install instead of failing the bench.
        const hint = row.bits === 32 && row.toolchain === "gcc" ? " (Debian package gcc-multilib)" : "";
        skipped.push(`${id}: the build failed${hint}: ${String(error).split("\n")[1] ?? error}`);
      }
    }
  }
  if (built.length === 0) throw new Error(`no toolchain could build the corpus:\n${skipped.join("\n")}`);

  // Copies of each build, each with a different amount of trailing filler, so no two files are equal.
  const random = new Random(0xc0ffee);
  const filler = random.bytes(256 * 1024);
  const files: CorpusEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const source = built[index % built.length];
    if (source === undefined) break;
    const name = `${String(index).padStart(3, "0")}-${basename(source.path)}`;
    const path = join(staging, name);
    copyFileSync(source.path, path);
    appendFileSync(path, filler.subarray(0, random.below(filler.length)));
    files.push({ path: join(directory, name), build: source.id, expected: source.expected });
  }
  rmSync(join(staging, "builds"), { recursive: true, force: true });
  const builds = built
    .map((build) => files.find((file) => file.build === build.id))
    .filter((file) => file !== undefined);
  const corpus: Corpus = { directory, files, builds, skipped };
  writeFileSync(join(staging, "manifest.json"), JSON.stringify(corpus));
  rmSync(directory, { recursive: true, force: true });
  renameSync(staging, directory);
  return corpus;
}

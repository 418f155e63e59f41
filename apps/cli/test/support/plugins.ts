/**
 * Real plugins for the inventory commands' tests, built with gcc through the SDK: the bundled
 * dummy and rawfile connectors, `targets-connector.c` (targets, no help), `holey-connector.c`
 * (memory with an unreadable hole) and `crashy-connector.c` (crashes where it is told to).
 * `installCopy` installs a copy of a built plugin the way memflowup names them, with distinct
 * bytes appended so that its digest differs, and a `.meta` with a chosen `created_at`.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatPluginMetadata, installedFileName } from "@memflow-ts/core/plugin-files";
import { type BuiltPlugin, buildPlugin, bundledPluginSource } from "@memflow-ts/sdk";
import { requireTool } from "../../../../tooling/testing/require-tool.ts";

export const gcc = requireTool("gcc", "gcc");

export const FIXTURES = join(import.meta.dir, "../../../../packages/analyzer/test/fixtures");

/** An ELF for another architecture than this machine's, for architecture mismatches. */
export const FOREIGN_ARCHITECTURE_FIXTURE =
  process.arch === "arm64" ? join(FIXTURES, "elf/x86_64-gcc.so") : join(FIXTURES, "elf/aarch64-gcc.so");

export function buildDummy(outDir: string): BuiltPlugin {
  return buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir });
}

export function buildRawfile(outDir: string): BuiltPlugin {
  return buildPlugin({ name: "rawfile", sources: [bundledPluginSource("rawfile")], outDir });
}

export function buildTargets(outDir: string): BuiltPlugin {
  return buildPlugin({ name: "targets", sources: [join(import.meta.dir, "targets-connector.c")], outDir });
}

export function buildHoley(outDir: string): BuiltPlugin {
  return buildPlugin({ name: "holey", sources: [join(import.meta.dir, "holey-connector.c")], outDir });
}

export function buildCrashy(outDir: string): BuiltPlugin {
  const sources = [join(import.meta.dir, "crashy-connector.c")];
  return buildPlugin({ name: "crashy", sources, outDir, flags: ["-pthread"] });
}

export interface CopyOptions {
  /** Appended to the library so the copy has its own digest. */
  readonly salt: string;
  readonly createdAt: string;
  /** Write no `.meta`. */
  readonly withoutMeta?: boolean;
}

/** Installs a salted copy of `built` into `directory`; returns the library's path. */
export function installCopy(built: BuiltPlugin, directory: string, options: CopyOptions): string {
  mkdirSync(directory, { recursive: true });
  const bytes = Buffer.concat([readFileSync(built.path), Buffer.from(`\n${options.salt}\n`)]);
  const digest = createHash("sha256").update(bytes).digest("hex");
  const name = built.descriptors[0]?.name ?? "unknown";
  const path = join(directory, installedFileName(name, digest, "linux"));
  writeFileSync(path, bytes);
  if (!options.withoutMeta) {
    const meta = formatPluginMetadata({ ...built.meta, digest, created_at: options.createdAt });
    writeFileSync(path.replace(/\.so$/, ".meta"), meta);
  }
  return path;
}

/** Copies a file into `directory` under `name` (fixtures that are not memflowup installs). */
export function place(file: string, directory: string, name: string): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, name);
  copyFileSync(file, path);
  return path;
}

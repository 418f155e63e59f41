/**
 * `.meta` sidecars as memflow 0.2.4 reads them: it needs all four fields (digest, signature,
 * created_at, descriptors) and a chrono timestamp, or it skips the plugin; without a `.meta`
 * it orders the plugin by the file's birth time and skips it where the filesystem has none.
 * memflow never checks the digest; a mismatch means the file changed after it was installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PluginEntry } from "@memflow-ts/core/catalogue";
import {
  MemflowError,
  metaPathFor,
  type PluginMetadataReading,
  parsePluginMetadata,
} from "@memflow-ts/core/plugin-files";
import { errorMessage } from "../../failure.ts";
import type { Finding } from "./finding.ts";
import type { SearchedDirectory } from "./search-paths.ts";

const REINSTALL =
  "Reinstall it with 'memflow-ts pull <name>' (which writes the .meta), or delete the .meta " +
  "('memflow-ts plugins clean --remove-damaged-meta' does, keeping the plugin file).";

function sha256(path: string): string | undefined {
  try {
    return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The `.meta`'s reading, or the finding that says why memflow cannot read it at all. */
function readMeta(metaPath: string, pluginPath: string): PluginMetadataReading | Finding {
  try {
    return parsePluginMetadata(readFileSync(metaPath, "utf8"), metaPath);
  } catch (error) {
    const reason = error instanceof MemflowError ? (error.detail ?? error.message) : errorMessage(error);
    return {
      severity: "error",
      code: "meta-unparsable",
      path: pluginPath,
      message: `${reason}: memflow skips ${pluginPath}`,
      fix: REINSTALL,
    };
  }
}

/** Problems with the `.meta` beside `pluginPath`; none when there is no `.meta` (see missingMetaFindings). */
export function metaFindings(pluginPath: string): Finding[] {
  const metaPath = metaPathFor(pluginPath);
  if (!existsSync(metaPath)) return [];
  const reading = readMeta(metaPath, pluginPath);
  if (!("fields" in reading)) return [reading];
  const findings: Finding[] = [];
  if (reading.missing.length > 0) {
    findings.push({
      severity: "error",
      code: "meta-incomplete",
      path: pluginPath,
      message: `${metaPath}: ${reading.problems.join(", ")}; memflow 0.2.4 needs all of digest, signature, created_at and descriptors and skips ${pluginPath}`,
      fix: REINSTALL,
    });
  }
  const digest = reading.fields.digest;
  if (digest !== undefined) {
    const actual = sha256(pluginPath);
    if (actual !== undefined && actual !== digest.toLowerCase()) {
      findings.push({
        severity: "warning",
        code: "digest-mismatch",
        path: pluginPath,
        message: `${pluginPath} does not match the digest in its .meta (${digest.slice(0, 7)}…, the file is ${actual.slice(0, 7)}…): it changed after it was installed`,
        fix: "Reinstall it with 'memflow-ts pull <name>' if you did not change it on purpose; memflow loads it anyway.",
      });
    }
  }
  return findings;
}

/** A plugin accepted without a `.meta`: ordered by birth time, or skipped by memflow where there is none. */
export function missingMetaFinding(entry: PluginEntry): Finding | undefined {
  if (entry.origin !== "file" || entry.meta !== undefined) return undefined;
  if (entry.createdAtSource === "mtime") {
    return {
      severity: "error",
      code: "meta-missing",
      path: entry.path,
      message: `${entry.path} has no .meta and this filesystem reports no creation time: memflow 0.2.4 skips it (memflow-ts uses the modification time)`,
      fix: "Install it with 'memflow-ts pull <name>' or 'memflow-ts build', which write the .meta.",
    };
  }
  return {
    severity: "note",
    code: "meta-missing",
    path: entry.path,
    message: `${entry.path} has no .meta: memflow orders it by the file's creation time and logs a warning on every scan`,
    fix: "Install it with 'memflow-ts pull <name>' or 'memflow-ts build', which write the .meta.",
  };
}

/** `.meta` files whose plugin file is gone: memflowup lists them, no runtime can load them. */
export function orphanMetaFindings(directory: SearchedDirectory, extension: string): Finding[] {
  const plugins = new Set(directory.pluginFiles);
  return directory.metaFiles
    .filter((name) => !plugins.has(`${name.slice(0, -".meta".length)}.${extension}`))
    .map((name) => {
      const path = join(directory.path, name);
      return {
        severity: "warning" as const,
        code: "meta-orphan",
        path,
        message: `${path} has no plugin file beside it: memflowup lists a plugin that no runtime can load`,
        fix: "Delete the .meta, or reinstall the plugin with 'memflow-ts pull <name>'.",
      };
    });
}

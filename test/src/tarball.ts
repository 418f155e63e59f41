/**
 * Packs workspace packages the way `bun publish` would and reads the result back, so tests
 * see exactly what an npm user downloads.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCommand } from "./process.ts";

export interface PackedPackage {
  name: string;
  version: string;
  tarball: string;
  /** The package.json inside the tarball, as published. */
  manifestText: string;
  manifest: Record<string, unknown>;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
}

export async function packWorkspacePackage(directory: string, destination: string): Promise<PackedPackage> {
  const packageDir = join(repoRoot, directory);
  const source = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const packed = await runCommand([process.execPath, "pm", "pack", "--destination", destination], { cwd: packageDir });
  if (packed.exitCode !== 0) {
    throw new Error(`bun pm pack failed in ${directory}:\n${packed.stdout}\n${packed.stderr}`);
  }
  const tarball = join(destination, `${source.name.replace("@", "").replace("/", "-")}-${source.version}.tgz`);
  const listing = await runCommand(["tar", "-tzf", tarball], { cwd: destination });
  const manifest = await runCommand(["tar", "-xzOf", tarball, "package/package.json"], { cwd: destination });
  if (listing.exitCode !== 0 || manifest.exitCode !== 0) {
    throw new Error(`cannot read ${tarball}: ${listing.stderr}${manifest.stderr}`);
  }
  return {
    name: source.name,
    version: source.version,
    tarball,
    manifestText: manifest.stdout,
    manifest: JSON.parse(manifest.stdout) as Record<string, unknown>,
    files: listing.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.replace(/^package\//, "")),
  };
}

/** Every file path an `exports` map or `bin` field points at, without the leading `./`. */
export function manifestTargets(manifest: Record<string, unknown>): string[] {
  const targets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") targets.push(value.replace(/^\.\//, ""));
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  return targets;
}

/** The workspace packages that are published: every package.json under packages/ and apps/ not marked private. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./process.ts";

/** Package name → its folder relative to the repository root, dependencies not sorted. */
export function publicWorkspaces(root: string = repoRoot): Map<string, string> {
  const found = new Map<string, string>();
  for (const group of ["packages", "apps"]) {
    for (const entry of readdirSync(join(root, group))) {
      const directory = `${group}/${entry}`;
      const manifest = JSON.parse(readFileSync(join(root, directory, "package.json"), "utf8")) as {
        name: string;
        private?: boolean;
      };
      if (manifest.private !== true) found.set(manifest.name, directory);
    }
  }
  return found;
}

/**
 * The project's own sources as a graph, for tests that pin its architecture: every TypeScript
 * and C file of the packages and apps (tests, fixtures and benchmarks aside), what each imports,
 * and the files a relative import names.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { repoRoot } from "./process.ts";

export interface SourceFile {
  /** Relative to the repository root, with `/`. */
  readonly path: string;
  readonly lines: number;
  /** Import specifiers: `import`/`export … from`, `import()`, `require()` with a string, `#include "…"`. */
  readonly imports: readonly { readonly specifier: string; readonly names: readonly string[] }[];
}

const SOURCE = /\.(ts|c|h)$/;
const OUTSIDE_SOURCES = /(^|\/)(test|bench|fixtures|node_modules|dist)\//;

/** The tracked (and new, not ignored) source files under packages/ and apps/. */
export function sourceFiles(): SourceFile[] {
  const listing = Bun.spawnSync(["git", "ls-files", "-co", "--exclude-standard", "packages", "apps"], {
    cwd: repoRoot,
    stdout: "pipe",
  });
  return listing.stdout
    .toString()
    .split("\n")
    .filter((path) => SOURCE.test(path) && !OUTSIDE_SOURCES.test(path))
    .flatMap((path) => {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, path), "utf8");
      } catch {
        return []; // deleted in the working tree
      }
      return [{ path, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0), imports: importsOf(text) }];
    });
}

const STATIC = /^\s*(?:import|export)\s+(type\s+)?([^"';]*?)\s*from\s*["']([^"']+)["']/gm;
const BARE = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g;
const INCLUDE = /^\s*#\s*include\s*"([^"]+)"/gm;

function namesOf(clause: string): string[] {
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces?.[1] === undefined) return clause.trim() === "" ? [] : [clause.trim()];
  return braces[1]
    .split(",")
    .map(
      (name) =>
        name
          .trim()
          .replace(/^type\s+/, "")
          .split(/\s+as\s+/)[0] ?? "",
    )
    .filter((name) => name !== "");
}

function importsOf(text: string): SourceFile["imports"] {
  const found: { specifier: string; names: string[] }[] = [];
  for (const match of text.matchAll(STATIC)) found.push({ specifier: match[3] ?? "", names: namesOf(match[2] ?? "") });
  for (const match of text.matchAll(BARE)) found.push({ specifier: match[1] ?? "", names: [] });
  for (const match of text.matchAll(DYNAMIC)) found.push({ specifier: match[1] ?? "", names: [] });
  for (const match of text.matchAll(INCLUDE)) found.push({ specifier: match[1] ?? "", names: [] });
  return found;
}

/** The file a relative import names, relative to the root; undefined for a package or a system header. */
export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return relative(repoRoot, join(repoRoot, dirname(from), specifier)).replaceAll("\\", "/");
}

/** Every cycle of relative imports, each as the files on it (empty when the graph has none). */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((file) => file.path));
  const edges = new Map(
    files.map((file) => [
      file.path,
      file.imports
        .map(({ specifier }) => resolveImport(file.path, specifier))
        .filter((target): target is string => target !== undefined && known.has(target)),
    ]),
  );
  // Tarjan's strongly connected components: any component of two or more files is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

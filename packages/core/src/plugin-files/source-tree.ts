/**
 * C sources compiled at run time (the plugin host's shim, the SDK's bundled plugins), carried as
 * text imported by their modules rather than read from beside them: a bundle or a single-file
 * executable (`bun build --compile`) has no folder of sources, and neither TinyCC nor a system
 * compiler can read one from inside the executable. Before compiling, a tree is written to a
 * folder named by its content under memflow-ts's cache, once, and compiled from there.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** File contents by path relative to the tree's folder (`shim.c`, `include/memflow-abi.h`). */
export type SourceTree = Readonly<Record<string, string>>;

/** A digest of every path and content of the tree: equal trees, equal keys. */
export function sourceTreeKey(tree: SourceTree): string {
  const hasher = new Bun.CryptoHasher("sha256");
  for (const path of Object.keys(tree).sort()) hasher.update(`${path}\0${tree[path]}\0`);
  return hasher.digest("hex").slice(0, 16);
}

/**
 * The folder under `parent` holding the tree's files, written the first time. The tree is
 * written to a temporary folder and renamed into place, so a compiler never reads half a tree
 * and concurrent processes agree on one folder.
 */
export function materialiseSourceTree(tree: SourceTree, parent: string): string {
  const folder = join(parent, `sources-${sourceTreeKey(tree)}`);
  if (existsSync(folder)) return folder;
  const partial = `${folder}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    for (const [path, text] of Object.entries(tree)) {
      const file = join(partial, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    renameSync(partial, folder);
  } catch (error) {
    // Another process renamed its copy first: the same files, so use it.
    if (!existsSync(folder)) throw error;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return folder;
}

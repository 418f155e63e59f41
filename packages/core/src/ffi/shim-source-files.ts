/**
 * Where each file of the shim's tree (shim-sources.ts's SHIM_SOURCES) lies in this package,
 * relative to this folder. From sources the tree's digest is computed from these files as they
 * are on disk: importing them as twenty text modules took about 8% of a `ps` from sources
 * (decision 0007). The executable carries the digest instead and never reads this.
 * `test/source-tree.test.ts` holds this list to SHIM_SOURCES, path for path and byte for byte.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SourceTree, sourceTreeKey } from "../plugin-files/source-tree.ts";
export const SHIM_SOURCE_FILES: Readonly<Record<string, string>> = {
  "shim.c": "shim.c",
  "crash-guard.h": "crash-guard.h",
  "os-calls.h": "os-calls.h",
  "os-list.h": "os-list.h",
  "os-objects.h": "os-objects.h",
  "plugin-allocator.h": "plugin-allocator.h",
  "script-input.h": "script-input.h",
  "script-os.h": "script-os.h",
  "script-os-modules.h": "script-os-modules.h",
  "script-os-vtable.h": "script-os-vtable.h",
  "script-process.h": "script-process.h",
  "script-translate.h": "script-translate.h",
  "transfer.h": "transfer.h",
  "transfer-each.h": "transfer-each.h",
  "transfer-records.h": "transfer-records.h",
  "include/memflow-abi.h": "../../native/memflow-abi.h",
  "include/memflow-abi-layout.h": "../../native/memflow-abi-layout.h",
  "include/memflow-abi-os.h": "../../native/memflow-abi-os.h",
  "include/memflow-abi-os-layout.h": "../../native/memflow-abi-os-layout.h",
};

/**
 * shim-sources.ts's `shimSourcesKey()`, from the files on disk; undefined where they are not beside
 * this module (a bundle made without the digest put in), and the caller loads the texts instead.
 */
export function shimSourcesKeyOnDisk(): string | undefined {
  const tree: Record<string, string> = {};
  try {
    for (const path in SHIM_SOURCE_FILES)
      tree[path] = readFileSync(join(import.meta.dir, SHIM_SOURCE_FILES[path] as string), "utf8");
  } catch {
    return undefined;
  }
  return sourceTreeKey(tree as SourceTree);
}

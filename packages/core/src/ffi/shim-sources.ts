/// <reference path="../plugin-files/c-text.d.ts" />
/**
 * What the shim is compiled from, as text (source-tree.ts): shim.c, every header it includes from
 * beside it, and the ABI headers under `include/`. The list of the shim's files as modules; a test
 * checks it against shim.c's `#include "…"` lines, and shim-source-files.ts (the same files by
 * path, for the digest from sources) against it.
 */
import { ABI_HEADER_SOURCES } from "../plugin-files/abi-header-sources.ts";
import { type SourceTree, sourceTreeKey } from "../plugin-files/source-tree.ts";
import crashGuard from "./crash-guard.h" with { type: "text" };
import osCalls from "./os-calls.h" with { type: "text" };
import osList from "./os-list.h" with { type: "text" };
import osObjects from "./os-objects.h" with { type: "text" };
import pluginAllocator from "./plugin-allocator.h" with { type: "text" };
import scriptInput from "./script-input.h" with { type: "text" };
import scriptOs from "./script-os.h" with { type: "text" };
import scriptOsModules from "./script-os-modules.h" with { type: "text" };
import scriptOsVtable from "./script-os-vtable.h" with { type: "text" };
import scriptProcess from "./script-process.h" with { type: "text" };
import scriptTranslate from "./script-translate.h" with { type: "text" };
import shim from "./shim.c" with { type: "text" };
import transfer from "./transfer.h" with { type: "text" };
import transferEach from "./transfer-each.h" with { type: "text" };
import transferRecords from "./transfer-records.h" with { type: "text" };

/** The folder of the ABI headers within the tree, for `-I`. */
export const SHIM_INCLUDE_FOLDER = "include";
export const SHIM_SOURCE = "shim.c";

export const SHIM_SOURCES: SourceTree = {
  [SHIM_SOURCE]: shim,
  "crash-guard.h": crashGuard,
  "os-calls.h": osCalls,
  "os-list.h": osList,
  "os-objects.h": osObjects,
  "plugin-allocator.h": pluginAllocator,
  "script-input.h": scriptInput,
  "script-os.h": scriptOs,
  "script-os-modules.h": scriptOsModules,
  "script-os-vtable.h": scriptOsVtable,
  "script-process.h": scriptProcess,
  "script-translate.h": scriptTranslate,
  "transfer.h": transfer,
  "transfer-each.h": transferEach,
  "transfer-records.h": transferRecords,
  ...Object.fromEntries(
    Object.entries(ABI_HEADER_SOURCES).map(([name, text]) => [`${SHIM_INCLUDE_FOLDER}/${name}`, text]),
  ),
};

/**
 * The digest of SHIM_SOURCES, part of the name the shim's build is cached under. The executable's
 * build computes it once and puts it in (MEMFLOW_TS_SHIM_SOURCES_KEY, shim.ts): hashing 140 KB of
 * text cost every command that loads a plugin about 0.3 ms.
 */
export function shimSourcesKey(): string {
  return sourceTreeKey(SHIM_SOURCES);
}

// Core's declaration of C imported as text; `../../core` is core beside the SDK both in the workspace and in node_modules/@memflow-ts.
/// <reference path="../../core/src/plugin-files/c-text.d.ts" />
/**
 * The SDK's C, as text: its headers (`include/`), the bundled plugins' sources (`native/`), the
 * scaffolding's C project (`templates/`) and core's ABI headers (`abi/`). From sources or an installed package, compilers read the files
 * where they are; a compiled executable (`bun build --compile`) carries them only as these
 * texts, so there they are written once to a folder in memflow-ts's cache (core's
 * `materialiseSourceTree`). The one list of the SDK's C files; a test checks it against the folders.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import {
  ABI_HEADER_SOURCES,
  ABI_INCLUDE_DIRECTORY,
  materialiseSourceTree,
  type SourceTree,
} from "@memflow-ts/core/install";
import { cacheDirectory } from "@memflow-ts/core/plugin-files";
import osPluginHeader from "../include/memflow-os-plugin.h" with { type: "text" };
import pluginHeader from "../include/memflow-plugin.h" with { type: "text" };
import dummy from "../native/dummy.c" with { type: "text" };
import dummyMemory from "../native/dummy-memory.h" with { type: "text" };
import layout from "../native/dummy-os/layout.c" with { type: "text" };
import memoryView from "../native/dummy-os/memory-view.c" with { type: "text" };
import modules from "../native/dummy-os/modules.c" with { type: "text" };
import objects from "../native/dummy-os/objects.c" with { type: "text" };
import os from "../native/dummy-os/os.c" with { type: "text" };
import pageTables from "../native/dummy-os/page-tables.c" with { type: "text" };
import physical from "../native/dummy-os/physical.c" with { type: "text" };
import process_ from "../native/dummy-os/process.c" with { type: "text" };
import random from "../native/dummy-os/random.c" with { type: "text" };
import translate from "../native/dummy-os/translate.c" with { type: "text" };
import dummyOs from "../native/dummy-os.c" with { type: "text" };
import rawfile from "../native/rawfile.c" with { type: "text" };
import templateMemory from "../templates/os-plugin/src/myos/memory.c" with { type: "text" };
import templateObjects from "../templates/os-plugin/src/myos/objects.c" with { type: "text" };
import templateOsCore from "../templates/os-plugin/src/myos/os.c" with { type: "text" };
import templateProcess from "../templates/os-plugin/src/myos/process.c" with { type: "text" };
import templateTranslate from "../templates/os-plugin/src/myos/translate.c" with { type: "text" };
import templateOs from "../templates/os-plugin/src/myos.c" with { type: "text" };

export const SDK_C_SOURCES: SourceTree = {
  "include/memflow-plugin.h": pluginHeader,
  "include/memflow-os-plugin.h": osPluginHeader,
  "native/dummy.c": dummy,
  "native/dummy-memory.h": dummyMemory,
  "native/dummy-os.c": dummyOs,
  "native/dummy-os/layout.c": layout,
  "native/dummy-os/memory-view.c": memoryView,
  "native/dummy-os/modules.c": modules,
  "native/dummy-os/objects.c": objects,
  "native/dummy-os/os.c": os,
  "native/dummy-os/page-tables.c": pageTables,
  "native/dummy-os/physical.c": physical,
  "native/dummy-os/process.c": process_,
  "native/dummy-os/random.c": random,
  "native/dummy-os/translate.c": translate,
  "native/rawfile.c": rawfile,
  "templates/os-plugin/src/myos.c": templateOs,
  "templates/os-plugin/src/myos/memory.c": templateMemory,
  "templates/os-plugin/src/myos/objects.c": templateObjects,
  "templates/os-plugin/src/myos/os.c": templateOsCore,
  "templates/os-plugin/src/myos/process.c": templateProcess,
  "templates/os-plugin/src/myos/translate.c": templateTranslate,
  ...Object.fromEntries(Object.entries(ABI_HEADER_SOURCES).map(([name, text]) => [`abi/${name}`, text])),
};

export interface SdkSourceFolders {
  /** memflow-plugin.h's folder, for `-I`. */
  readonly include: string;
  /** memflow-abi.h's folder, for `-I`. */
  readonly abi: string;
  /** The bundled plugins' sources. */
  readonly native: string;
  /** The scaffolding's C projects (`plugin new --kind os`). */
  readonly templates: string;
}

const PACKAGE_ROOT = join(import.meta.dir, "..");

function folders(root: string, abi: string): SdkSourceFolders {
  return { include: join(root, "include"), abi, native: join(root, "native"), templates: join(root, "templates") };
}

/** Where compilers find the SDK's C: the package's own folders, or in a compiled executable the cache's copy. */
export function sdkSourceFolders(): SdkSourceFolders {
  if (!Bun.isStandaloneExecutable) {
    return folders(PACKAGE_ROOT, ABI_INCLUDE_DIRECTORY);
  }
  const root = materialiseSourceTree(SDK_C_SOURCES, cacheDirectory({ env: process.env, home: homedir() }));
  return folders(root, join(root, "abi"));
}

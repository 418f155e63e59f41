/**
 * The Os and Process vtable entries a native plugin calls on a TypeScript OS and its processes,
 * by their offsets in memflow's vtables (os-layouts.ts), each answering from the TypeScript
 * object (script-os-answers.ts). A process's VirtualTranslate entries are
 * script-translate-entries.ts.
 */
import { MemflowError } from "../error.ts";
import type { ModuleContents } from "../os/module-info.ts";
import type { Process } from "../os/process.ts";
import type { Os } from "../plugin/os.ts";
import {
  ADDRESS_ENCODER,
  MEMORY_RANGE_ENCODER,
  MODULE_ADDRESS_INFO_ENCODER,
  MODULE_INFO_ENCODER,
  NAMED_OFFSET_ENCODER,
  OS_INFO_ENCODER,
  PROCESS_INFO_ENCODER,
  PROCESS_STATE_ENCODER,
  SECTION_INFO_ENCODER,
} from "./os-encode.ts";
import { OS_VTBL, PROCESS_VTBL } from "./os-layouts.ts";
import { type Entry, many, moved, nothing, one, opened } from "./script-os-answers.ts";
import type { GivenArguments } from "./script-os-arguments.ts";

/** A module's imports, exports and sections: the same answers from an OS and from a process. */
function moduleContents(vtbl: typeof OS_VTBL | typeof PROCESS_VTBL): [number, Entry<ModuleContents>][] {
  return [
    [vtbl.MODULE_IMPORT_LIST_CALLBACK.offset, (o, g) => many(NAMED_OFFSET_ENCODER, o.moduleImportList(g.module()))],
    [vtbl.MODULE_EXPORT_LIST_CALLBACK.offset, (o, g) => many(NAMED_OFFSET_ENCODER, o.moduleExportList(g.module()))],
    [vtbl.MODULE_SECTION_LIST_CALLBACK.offset, (o, g) => many(SECTION_INFO_ENCODER, o.moduleSectionList(g.module()))],
    [
      vtbl.MODULE_IMPORT_BY_NAME.offset,
      (o, g) => one(NAMED_OFFSET_ENCODER, o.moduleImportByName(g.module(), g.name())),
    ],
    [
      vtbl.MODULE_EXPORT_BY_NAME.offset,
      (o, g) => one(NAMED_OFFSET_ENCODER, o.moduleExportByName(g.module(), g.name())),
    ],
    [
      vtbl.MODULE_SECTION_BY_NAME.offset,
      (o, g) => one(SECTION_INFO_ENCODER, o.moduleSectionByName(g.module(), g.name())),
    ],
  ];
}

export const OS_ENTRIES = new Map<number, Entry<Os>>([
  [OS_VTBL.PROCESS_ADDRESS_LIST_CALLBACK.offset, (os) => many(ADDRESS_ENCODER, os.processAddressList())],
  [OS_VTBL.PROCESS_INFO_LIST_CALLBACK.offset, (os) => many(PROCESS_INFO_ENCODER, os.processInfoList())],
  [OS_VTBL.PROCESS_INFO_BY_ADDRESS.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByAddress(g.number(0)))],
  [OS_VTBL.PROCESS_INFO_BY_NAME.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByName(g.name()))],
  [OS_VTBL.PROCESS_INFO_BY_PID.offset, (os, g) => one(PROCESS_INFO_ENCODER, os.processInfoByPid(Number(g.number(0))))],
  [OS_VTBL.PROCESS_BY_INFO.offset, (os, g) => opened(os.processByInfo(g.processInfo()))],
  [OS_VTBL.PROCESS_BY_ADDRESS.offset, (os, g) => opened(os.processByAddress(g.number(0)))],
  [OS_VTBL.PROCESS_BY_NAME.offset, (os, g) => opened(os.processByName(g.name()))],
  [OS_VTBL.PROCESS_BY_PID.offset, (os, g) => opened(os.processByPid(Number(g.number(0))))],
  [OS_VTBL.INTO_PROCESS_BY_INFO.offset, (os, g, h) => moved(h, () => os.intoProcessByInfo(g.processInfo()))],
  [OS_VTBL.INTO_PROCESS_BY_ADDRESS.offset, (os, g, h) => moved(h, () => os.intoProcessByAddress(g.number(0)))],
  [OS_VTBL.INTO_PROCESS_BY_NAME.offset, (os, g, h) => moved(h, () => os.intoProcessByName(g.name()))],
  [OS_VTBL.INTO_PROCESS_BY_PID.offset, (os, g, h) => moved(h, () => os.intoProcessByPid(Number(g.number(0))))],
  [OS_VTBL.MODULE_ADDRESS_LIST_CALLBACK.offset, (os) => many(ADDRESS_ENCODER, os.moduleAddressList())],
  [OS_VTBL.MODULE_LIST_CALLBACK.offset, (os) => many(MODULE_INFO_ENCODER, os.moduleList())],
  [OS_VTBL.MODULE_BY_ADDRESS.offset, (os, g) => one(MODULE_INFO_ENCODER, os.moduleByAddress(g.number(0)))],
  [OS_VTBL.MODULE_BY_NAME.offset, (os, g) => one(MODULE_INFO_ENCODER, os.moduleByName(g.name()))],
  [OS_VTBL.PRIMARY_MODULE_ADDRESS.offset, (os) => one(ADDRESS_ENCODER, os.primaryModuleAddress())],
  [OS_VTBL.PRIMARY_MODULE.offset, (os) => one(MODULE_INFO_ENCODER, os.primaryModule())],
  ...moduleContents(OS_VTBL),
  [OS_VTBL.INFO.offset, (os) => one(OS_INFO_ENCODER, os.info())],
]);

export const PROCESS_ENTRIES = new Map<number, Entry<Process>>([
  [PROCESS_VTBL.STATE.offset, (p) => one(PROCESS_STATE_ENCODER, p.state())],
  [
    PROCESS_VTBL.SET_DTB.offset,
    (p, g) => {
      p.setDtb(g.number(0), g.number(1));
      return nothing;
    },
  ],
  [
    PROCESS_VTBL.MODULE_ADDRESS_LIST_CALLBACK.offset,
    (p, g) => many(MODULE_ADDRESS_INFO_ENCODER, p.moduleAddressList(g.arch())),
  ],
  [PROCESS_VTBL.MODULE_LIST_CALLBACK.offset, (p, g) => many(MODULE_INFO_ENCODER, p.moduleList(g.arch()))],
  [
    PROCESS_VTBL.MODULE_BY_ADDRESS.offset,
    (p, g) => one(MODULE_INFO_ENCODER, p.moduleByAddress(g.number(0), requiredArch(g))),
  ],
  [PROCESS_VTBL.MODULE_BY_NAME_ARCH.offset, (p, g) => one(MODULE_INFO_ENCODER, p.moduleByName(g.name(), g.arch()))],
  [PROCESS_VTBL.MODULE_BY_NAME.offset, (p, g) => one(MODULE_INFO_ENCODER, p.moduleByName(g.name()))],
  [PROCESS_VTBL.PRIMARY_MODULE_ADDRESS.offset, (p) => one(ADDRESS_ENCODER, p.primaryModuleAddress())],
  [PROCESS_VTBL.PRIMARY_MODULE.offset, (p) => one(MODULE_INFO_ENCODER, p.primaryModule())],
  ...moduleContents(PROCESS_VTBL),
  [PROCESS_VTBL.INFO.offset, (p) => one(PROCESS_INFO_ENCODER, p.info())],
  [
    PROCESS_VTBL.MAPPED_MEM_RANGE.offset,
    (p, g) => many(MEMORY_RANGE_ENCODER, p.mappedMemRange(g.signed(0), g.number(1), g.number(2))),
  ],
  [PROCESS_VTBL.MAPPED_MEM.offset, (p, g) => many(MEMORY_RANGE_ENCODER, p.mappedMemRange(g.signed(0)))],
]);

function requiredArch(given: GivenArguments) {
  const arch = given.arch();
  if (arch === undefined)
    throw new MemflowError("OsLayer", "InvalidArgument", "module_by_address was given no architecture");
  return arch;
}

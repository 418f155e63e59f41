/**
 * The modules of a dummy address space and their images (native/dummy-os.md "Modules"): module
 * infos, and exports, imports and sections by the contract's rules from each module's drawn
 * counts and size, found by the given ModuleInfo's base as memflow's image parsers find a module.
 */
import {
  type ArchitectureIdent,
  type ExportInfo,
  type ImportInfo,
  MemflowError,
  type ModuleInfo,
  type ScriptModules,
  type SectionInfo,
} from "@memflow-ts/core";
import type { DummyModule, DummySpace } from "./layout.ts";

export const X86_64: ArchitectureIdent = Object.freeze({ kind: "X86", bits: 64, addressExtensions: false });

const EXPORTS = ["start", "run", "stop", "open", "close"] as const;
const IMPORTS = ["malloc", "free", "memcpy"] as const;
const SECTIONS = [
  [".text", 0x1000n],
  [".rodata", 0x3000n],
  [".data", 0x4000n],
] as const;

/** parent_process: the process's address (its base); 0 for the kernel's modules. */
function moduleInfo(space: DummySpace, module: DummyModule): ModuleInfo {
  return Object.freeze({
    address: module.base,
    parentProcess: space.pid !== 0 ? space.base : 0n,
    base: module.base,
    size: module.size,
    name: module.name,
    path: module.path,
    arch: X86_64,
  });
}

/** The space's module at `info`'s base; (Other, InvalidExeFile) for any other, as memflow's parsers fail. */
function imageOf(space: DummySpace, info: ModuleInfo): DummyModule {
  const module = space.modules.find((candidate) => candidate.base === info.base);
  if (module === undefined)
    throw new MemflowError("Other", "InvalidExeFile", `no dummy module image at 0x${info.base.toString(16)}`);
  return module;
}

/** The space's modules as the script host asks for them (module 0 is the primary one). */
export function spaceModules(space: DummySpace): ScriptModules {
  return {
    moduleList: () => space.modules.map((module) => moduleInfo(space, module)),
    primaryModuleAddress: () => (space.modules[0] as DummyModule).base,
    moduleExportList: (info): ExportInfo[] =>
      EXPORTS.slice(0, imageOf(space, info).exports).map((name, index) => ({
        name,
        offset: 0x1000n + 0x100n * BigInt(index),
      })),
    moduleImportList: (info): ImportInfo[] =>
      IMPORTS.slice(0, imageOf(space, info).imports).map((name, index) => ({
        name,
        offset: 0x3000n + 8n * BigInt(index),
      })),
    moduleSectionList(info): SectionInfo[] {
      const module = imageOf(space, info);
      return SECTIONS.map(([name, start], index) => {
        const end = SECTIONS[index + 1]?.[1] ?? module.size;
        return { name, base: module.base + start, size: end - start };
      });
    },
  };
}

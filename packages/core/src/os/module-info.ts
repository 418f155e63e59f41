/**
 * Modules (memflow's `ModuleInfo`, `ModuleAddressInfo`) and what their images contain: imports,
 * exports and sections. Plain frozen objects with exact 64-bit addresses.
 */
import type { ArchitectureIdent } from "./architecture.ts";

export interface ModuleInfo {
  /** The OS's handle of the module entry; what `moduleByAddress` takes. */
  readonly address: bigint;
  /** The `address` of the process the module belongs to. */
  readonly parentProcess: bigint;
  readonly base: bigint;
  readonly size: bigint;
  readonly name: string;
  readonly path: string;
  readonly arch: ArchitectureIdent;
}

export interface ModuleAddressInfo {
  readonly address: bigint;
  readonly arch: ArchitectureIdent;
}

export interface ImportInfo {
  readonly name: string;
  /** From the module's base. */
  readonly offset: bigint;
}

export interface ExportInfo {
  readonly name: string;
  /** From the module's base. */
  readonly offset: bigint;
}

export interface SectionInfo {
  readonly name: string;
  /** Absolute: the module's base plus the section's offset. */
  readonly base: bigint;
  readonly size: bigint;
}

/** What the OS (its kernel's modules) and a process (its own) both answer about a module's image. */
export interface ModuleContents {
  moduleImportList(module: ModuleInfo): ImportInfo[];
  moduleExportList(module: ModuleInfo): ExportInfo[];
  moduleSectionList(module: ModuleInfo): SectionInfo[];
  /** The import named exactly `name`; throws (OsLayer, ImportNotFound) when there is none. */
  moduleImportByName(module: ModuleInfo, name: string): ImportInfo;
  /** Throws (OsLayer, ExportNotFound). */
  moduleExportByName(module: ModuleInfo, name: string): ExportInfo;
  /** Throws (OsLayer, SectionNotFound). */
  moduleSectionByName(module: ModuleInfo, name: string): SectionInfo;
}

/**
 * The module calls an Os (its kernel's modules) and a Process (its own) share: their vtables have
 * these entries under the same names and with the same shapes, at different offsets.
 */
import type { ExportInfo, ImportInfo, ModuleContents, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import type { NativeCalls } from "./native-calls.ts";
import { MODULE_INFO_RECORD, NAMED_OFFSET_RECORD, SECTION_INFO_RECORD } from "./os-decode.ts";
import { SHIM_CALL, type VtableEntry } from "./os-layouts.ts";

/** The shared entries, as OS_VTBL and PROCESS_VTBL both name them. */
export interface ModuleEntries {
  readonly MODULE_BY_NAME: VtableEntry;
  readonly PRIMARY_MODULE_ADDRESS: VtableEntry;
  readonly PRIMARY_MODULE: VtableEntry;
  readonly MODULE_IMPORT_LIST_CALLBACK: VtableEntry;
  readonly MODULE_EXPORT_LIST_CALLBACK: VtableEntry;
  readonly MODULE_SECTION_LIST_CALLBACK: VtableEntry;
  readonly MODULE_IMPORT_BY_NAME: VtableEntry;
  readonly MODULE_EXPORT_BY_NAME: VtableEntry;
  readonly MODULE_SECTION_BY_NAME: VtableEntry;
}

export class NativeModules implements ModuleContents {
  readonly #calls: NativeCalls;
  readonly #entries: ModuleEntries;

  constructor(calls: NativeCalls, entries: ModuleEntries) {
    this.#calls = calls;
    this.#entries = entries;
  }

  /** The first module named exactly `name`; throws (OsLayer, ModuleNotFound). */
  moduleByName(name: string): ModuleInfo {
    return this.#calls.one(SHIM_CALL.MODULE_BY_NAME, this.#entries.MODULE_BY_NAME, MODULE_INFO_RECORD, {
      name,
      about: name,
    });
  }

  primaryModuleAddress(): bigint {
    const out = new BigUint64Array(1);
    this.#calls.call(SHIM_CALL.PRIMARY_MODULE_ADDRESS, this.#entries.PRIMARY_MODULE_ADDRESS, {}, out);
    return out[0] ?? 0n;
  }

  primaryModule(): ModuleInfo {
    return this.#calls.one(SHIM_CALL.PRIMARY_MODULE, this.#entries.PRIMARY_MODULE, MODULE_INFO_RECORD);
  }

  moduleImportList(module: ModuleInfo): ImportInfo[] {
    return this.#calls.list(SHIM_CALL.IMPORT_LIST, this.#entries.MODULE_IMPORT_LIST_CALLBACK, NAMED_OFFSET_RECORD, {
      module,
      about: module.name,
    });
  }

  moduleExportList(module: ModuleInfo): ExportInfo[] {
    return this.#calls.list(SHIM_CALL.EXPORT_LIST, this.#entries.MODULE_EXPORT_LIST_CALLBACK, NAMED_OFFSET_RECORD, {
      module,
      about: module.name,
    });
  }

  moduleSectionList(module: ModuleInfo): SectionInfo[] {
    return this.#calls.list(SHIM_CALL.SECTION_LIST, this.#entries.MODULE_SECTION_LIST_CALLBACK, SECTION_INFO_RECORD, {
      module,
      about: module.name,
    });
  }

  moduleImportByName(module: ModuleInfo, name: string): ImportInfo {
    return this.#calls.one(SHIM_CALL.IMPORT_BY_NAME, this.#entries.MODULE_IMPORT_BY_NAME, NAMED_OFFSET_RECORD, {
      module,
      name,
      about: `${name} in ${module.name}`,
    });
  }

  moduleExportByName(module: ModuleInfo, name: string): ExportInfo {
    return this.#calls.one(SHIM_CALL.EXPORT_BY_NAME, this.#entries.MODULE_EXPORT_BY_NAME, NAMED_OFFSET_RECORD, {
      module,
      name,
      about: `${name} in ${module.name}`,
    });
  }

  moduleSectionByName(module: ModuleInfo, name: string): SectionInfo {
    return this.#calls.one(SHIM_CALL.SECTION_BY_NAME, this.#entries.MODULE_SECTION_BY_NAME, SECTION_INFO_RECORD, {
      module,
      name,
      about: `${name} in ${module.name}`,
    });
  }
}

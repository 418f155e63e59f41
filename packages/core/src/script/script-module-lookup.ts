/**
 * Module lookups of a TypeScript OS (its kernel's modules) or process (its own), from the lists
 * its author gives: memflow's default trait methods (by name, by address, the primary module,
 * an import, export or section by name) with memflow's errors. ScriptOs and ScriptProcess
 * extend it, so the calls they share are written once.
 */
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import { type ArchitectureIdent, sameArchitectureIdent } from "../os/architecture.ts";
import type { ExportInfo, ImportInfo, ModuleContents, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import { authorCall } from "./author-code.ts";
import type { ScriptModules } from "./os-definition.ts";

export abstract class ScriptModuleLookup implements ModuleContents {
  /** How errors name the owner. */
  abstract readonly label: string;
  /** The author's modules (undefined: none). */
  protected abstract modulesGiven(): ScriptModules | undefined;
  /** Throws when the owner may not be used now. */
  protected abstract checkUsable(): void;

  #call<T>(what: string, call: (modules: ScriptModules) => T, otherwise: T): T {
    this.checkUsable();
    const modules = this.modulesGiven();
    if (modules === undefined) return otherwise;
    return authorCall("OsLayer", `${this.label}: ${what}`, () => call(modules));
  }

  moduleList(arch?: ArchitectureIdent): ModuleInfo[] {
    const all = this.#call("moduleList", (modules) => modules.moduleList(), []);
    return arch === undefined ? all : all.filter((module) => sameArchitectureIdent(module.arch, arch));
  }

  moduleByAddress(address: Address, arch?: ArchitectureIdent): ModuleInfo {
    const wanted = BigInt(address);
    return this.#found(
      this.moduleList(arch).find((module) => module.address === wanted),
      `no module at ${formatAddress(address)}`,
    );
  }

  moduleByName(name: string, arch?: ArchitectureIdent): ModuleInfo {
    return this.#found(
      this.moduleList(arch).find((module) => module.name === name),
      `no module named ${JSON.stringify(name)}`,
    );
  }

  primaryModuleAddress(): bigint {
    const given = this.#call("primaryModuleAddress", (modules) => modules.primaryModuleAddress?.(), undefined);
    if (given !== undefined) return given;
    return this.#found(this.moduleList()[0], "no modules").address;
  }

  primaryModule(): ModuleInfo {
    return this.moduleByAddress(this.primaryModuleAddress());
  }

  #found(module: ModuleInfo | undefined, what: string): ModuleInfo {
    if (module === undefined) throw new MemflowError("OsLayer", "ModuleNotFound", `${this.label}: ${what}`);
    return module;
  }

  moduleImportList(module: ModuleInfo): ImportInfo[] {
    return this.#call("moduleImportList", (modules) => modules.moduleImportList?.(module) ?? [], []);
  }

  moduleExportList(module: ModuleInfo): ExportInfo[] {
    return this.#call("moduleExportList", (modules) => modules.moduleExportList?.(module) ?? [], []);
  }

  moduleSectionList(module: ModuleInfo): SectionInfo[] {
    return this.#call("moduleSectionList", (modules) => modules.moduleSectionList?.(module) ?? [], []);
  }

  moduleImportByName(module: ModuleInfo, name: string): ImportInfo {
    return named(this.moduleImportList(module), name, "ImportNotFound", `${this.label}: ${module.name}`);
  }

  moduleExportByName(module: ModuleInfo, name: string): ExportInfo {
    return named(this.moduleExportList(module), name, "ExportNotFound", `${this.label}: ${module.name}`);
  }

  moduleSectionByName(module: ModuleInfo, name: string): SectionInfo {
    return named(this.moduleSectionList(module), name, "SectionNotFound", `${this.label}: ${module.name}`);
  }
}

function named<T extends { readonly name: string }>(
  list: readonly T[],
  name: string,
  kind: "ImportNotFound" | "ExportNotFound" | "SectionNotFound",
  where: string,
): T {
  const found = list.find((item) => item.name === name);
  if (found === undefined) throw new MemflowError("OsLayer", kind, `${where} has no ${JSON.stringify(name)}`);
  return found;
}

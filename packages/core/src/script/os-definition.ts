/**
 * OS layers written in TypeScript: a definition with memflow's descriptor fields and a `create`
 * that takes the input connector and returns the OS's parts. The host (script-os.ts) adds
 * memflow's defaults, errors and borrowing rules, so an author writes only what the OS knows.
 * Registered with `inventory.register(...)`, it is found, started and chained like a native plugin.
 */
import type { OsArgs } from "../args/connector-args.ts";
import type { ArgsValidator } from "../args/validator.ts";
import type { MemoryAccess } from "../memory/memory-access.ts";
import type { MemoryView } from "../memory/memory-view.ts";
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { ExportInfo, ImportInfo, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import type { MemoryRange } from "../os/page.ts";
import type { ProcessInfo, ProcessState } from "../os/process-info.ts";
import type { VirtualTranslate } from "../os/virtual-translate.ts";
import type { Connector } from "../plugin/connector.ts";
import type { OsInfo } from "../plugin/os.ts";

/** Modules and what their images contain; only the list is required (the rest default to empty). */
export interface ScriptModules {
  moduleList(): ModuleInfo[];
  /** Default: the first module's address. */
  primaryModuleAddress?(): bigint;
  moduleImportList?(module: ModuleInfo): ImportInfo[];
  moduleExportList?(module: ModuleInfo): ExportInfo[];
  moduleSectionList?(module: ModuleInfo): SectionInfo[];
}

/**
 * A MemoryAccess whose batch-in-columns calls are optional: without them the host derives
 * `readBatch`/`writeBatch`/`writeBatchFrom` from `readMany`/`writeMany` (a core `VirtualMemory` has them all).
 */
export type AuthorMemory = Omit<MemoryAccess, "readBatch" | "writeBatch" | "writeBatchFrom"> &
  Partial<Pick<MemoryAccess, "readBatch" | "writeBatch" | "writeBatchFrom">>;

/** A process as its author sees it: its modules and its virtual memory. */
export interface ScriptProcessParts extends ScriptModules {
  /** The process's virtual memory: reads of unmapped parts report them (zero-filled), as any MemoryAccess. */
  readonly memory: AuthorMemory;
  /** Default: the state in the info the process was opened with. */
  state?(): ProcessState;
  /** Switches the page-table roots; without it `setDtb` throws (OsLayer, NotSupported). */
  setDtb?(dtb1: bigint, dtb2: bigint): void;
  /** Default: the translation's `virtPageMap`; (OsLayer, UnsupportedOptionalFeature) without either. */
  mappedMemRange?(gapSize: bigint, start: bigint, end: bigint): MemoryRange[];
  virtualTranslate?(): VirtualTranslate;
  /** Called once, when the process is closed. */
  close?(): void;
}

/** The keyboard of the machine the OS runs on (virtual-key codes as win32's VK_*). */
export interface ScriptKeyboardParts {
  isDown(virtualKey: number): boolean;
  setDown(virtualKey: number, down: boolean): void;
  /** Called once, when the keyboard is closed. */
  close?(): void;
}

/** An OS instance as its author sees it; the input connector stays the host's to close. */
export interface ScriptOsParts {
  info(): OsInfo;
  processInfoList(): ProcessInfo[];
  /** Defaults: a search of `processInfoList()`; by name skips dead processes, as memflow's default. */
  processInfoByAddress?(address: bigint): ProcessInfo | undefined;
  processInfoByPid?(pid: number): ProcessInfo | undefined;
  processInfoByName?(name: string): ProcessInfo | undefined;
  /** Opens the process `info` describes (memflow's `process_by_info`). */
  process(info: ProcessInfo): ScriptProcessParts;
  /** The kernel's modules; default: none. */
  readonly kernel?: ScriptModules;
  physicalMemory?(): PhysicalMemory;
  memoryView?(): MemoryView;
  virtualTranslate?(): VirtualTranslate;
  /** Opens the keyboard; without it the OS has none. */
  keyboard?(): ScriptKeyboardParts;
  /** Called once, when the OS is closed (after its borrower, before its connector). */
  close?(): void;
}

export interface OsDefinition {
  /** What tells an OS definition from a connector's; `defineOs` sets it. */
  readonly kind: "os";
  /** The name it is found by (letters, digits, `_`). */
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** Help text, as `osHelp` returns it. */
  readonly help?: string;
  /** Checked against the extra arguments before `create`. */
  readonly args?: ArgsValidator;
  /** `input` is the connector the OS reads memory through (undefined when the chain starts here). */
  create(input: Connector | undefined, args: OsArgs): ScriptOsParts;
}

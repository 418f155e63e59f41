/**
 * A process of a native OS plugin (memflow's ProcessInstance, which borrows the OS, or
 * IntoProcessInstance, which owns it; memflow-os.md §1, §5): its info and state, its modules,
 * its virtual memory and, when the plugin offers it, its address translation. Close drops it;
 * an owning process drops the OS and the connector with it. Any use after close throws
 * (Ffi, Uninitialized).
 */
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { ReadResults, TransferResults } from "../memory/batch-results.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "../memory/memory-access.ts";
import type { MemoryViewMetadata } from "../memory/memory-view.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ExportInfo, ImportInfo, ModuleAddressInfo, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import type { MemoryRange, PhysicalAddress } from "../os/page.ts";
import type { Process } from "../os/process.ts";
import { INVALID_ADDRESS, type ProcessInfo, type ProcessState } from "../os/process-info.ts";
import { virtToPhysThrough } from "../os/virtual-translate.ts";
import { InstanceMemory } from "./instance-memory.ts";
import { INTO_PROCESS_INSTANCE, PROCESS_INSTANCE } from "./layouts.ts";
import { instanceTarget, memoryRanges, NativeCalls } from "./native-calls.ts";
import { NativeMemoryView } from "./native-memory-view.ts";
import { NativeModules } from "./native-modules.ts";
import { NativeVirtualTranslate } from "./native-virtual-translate.ts";
import { MODULE_ADDRESS_INFO_RECORD, MODULE_INFO_RECORD, PROCESS_INFO_RECORD, processStateAt } from "./os-decode.ts";
import { PROCESS_STATE, PROCESS_VTBL, SHIM_CALL } from "./os-layouts.ts";
import type { PluginLabel } from "./plugin-label.ts";

type ProcessLayout = typeof PROCESS_INSTANCE | typeof INTO_PROCESS_INSTANCE;

function infoOf(memory: InstanceMemory, layout: ProcessLayout): ProcessInfo {
  const calls = new NativeCalls(instanceTarget(memory, layout.VTBL_PROCESS));
  return calls.one(SHIM_CALL.PROCESS_INFO, PROCESS_VTBL.INFO, PROCESS_INFO_RECORD);
}

export class NativeProcess implements Process {
  /** The OS plugin's name. */
  readonly name: string;
  /** Whether the process owns the OS (from `intoProcessBy…`) or borrows it. */
  readonly owning: boolean;
  readonly #memory: InstanceMemory;
  readonly #calls: NativeCalls;
  readonly #modules: NativeModules;
  readonly #view: NativeMemoryView;
  readonly #translate: NativeVirtualTranslate | undefined;

  /**
   * @internal wraps what `process_by_*` (a ProcessInstance) or `into_process_by_*` (an
   * IntoProcessInstance) wrote into `bytes`; the process is named by its info, asked once here
   * (a process whose info cannot be read is dropped, and the error thrown).
   */
  static open(name: string, bytes: Uint8Array, owning: boolean, plugin: PluginLabel, osLabel: string): NativeProcess {
    const layout = owning ? INTO_PROCESS_INSTANCE : PROCESS_INSTANCE;
    const unnamed = new InstanceMemory(bytes, layout.CONTAINER, `a process of ${osLabel}`, plugin);
    let info: ProcessInfo;
    try {
      info = infoOf(unnamed, layout);
    } catch (error) {
      unnamed.drop();
      throw error;
    }
    const label = `process ${info.name} (pid ${info.pid}) of ${osLabel}`;
    return new NativeProcess(name, new InstanceMemory(bytes, layout.CONTAINER, label, plugin), layout, owning);
  }

  private constructor(name: string, memory: InstanceMemory, layout: ProcessLayout, owning: boolean) {
    this.name = name;
    this.owning = owning;
    this.#memory = memory;
    this.#calls = new NativeCalls(instanceTarget(memory, layout.VTBL_PROCESS));
    this.#modules = new NativeModules(this.#calls, PROCESS_VTBL);
    const view = memory.handle(layout.VTBL_MEMORY_VIEW, memory.label);
    if (view === undefined) {
      memory.drop();
      throw new MemflowError("OsLayer", "InvalidAbi", `${memory.label} has no MemoryView vtable`);
    }
    this.#view = new NativeMemoryView(view);
    this.#translate =
      memory.vtable(layout.VTBL_VIRTUAL_TRANSLATE) === null
        ? undefined
        : new NativeVirtualTranslate(instanceTarget(memory, layout.VTBL_VIRTUAL_TRANSLATE));
  }

  /** @internal how errors name the process. */
  get label(): string {
    return this.#memory.label;
  }

  get closed(): boolean {
    return !this.#memory.live;
  }

  /** The plugin's record of the process: its state as of when it was opened (`state()` asks now), its dtbs as set. */
  info(): ProcessInfo {
    return this.#calls.one(SHIM_CALL.PROCESS_INFO, PROCESS_VTBL.INFO, PROCESS_INFO_RECORD);
  }

  state(): ProcessState {
    const out = new Uint8Array(PROCESS_STATE.SIZE);
    this.#calls.call(SHIM_CALL.PROCESS_STATE, PROCESS_VTBL.STATE, {}, out);
    return processStateAt(new DataView(out.buffer), 0);
  }

  setDtb(dtb1: Address, dtb2: Address = INVALID_ADDRESS): void {
    this.#calls.call(SHIM_CALL.SET_DTB, PROCESS_VTBL.SET_DTB, { numbers: [dtb1, dtb2] }, null);
  }

  moduleAddressList(arch?: ArchitectureIdent): ModuleAddressInfo[] {
    return this.#calls.list(
      SHIM_CALL.MODULE_ADDRESS_LIST_ARCH,
      PROCESS_VTBL.MODULE_ADDRESS_LIST_CALLBACK,
      MODULE_ADDRESS_INFO_RECORD,
      arch === undefined ? {} : { arch },
    );
  }

  moduleList(arch?: ArchitectureIdent): ModuleInfo[] {
    return this.#calls.list(
      SHIM_CALL.MODULE_LIST_ARCH,
      PROCESS_VTBL.MODULE_LIST_CALLBACK,
      MODULE_INFO_RECORD,
      arch === undefined ? {} : { arch },
    );
  }

  moduleByAddress(address: Address, arch: ArchitectureIdent): ModuleInfo {
    return this.#calls.one(SHIM_CALL.MODULE_BY_ADDRESS_ARCH, PROCESS_VTBL.MODULE_BY_ADDRESS, MODULE_INFO_RECORD, {
      numbers: [address],
      arch,
      about: formatAddress(address),
    });
  }

  moduleByName(name: string, arch?: ArchitectureIdent): ModuleInfo {
    if (arch === undefined) return this.#modules.moduleByName(name);
    return this.#calls.one(SHIM_CALL.MODULE_BY_NAME_ARCH, PROCESS_VTBL.MODULE_BY_NAME_ARCH, MODULE_INFO_RECORD, {
      name,
      arch,
      about: name,
    });
  }

  primaryModuleAddress(): bigint {
    return this.#modules.primaryModuleAddress();
  }

  primaryModule(): ModuleInfo {
    return this.#modules.primaryModule();
  }

  moduleImportList(module: ModuleInfo): ImportInfo[] {
    return this.#modules.moduleImportList(module);
  }

  moduleExportList(module: ModuleInfo): ExportInfo[] {
    return this.#modules.moduleExportList(module);
  }

  moduleSectionList(module: ModuleInfo): SectionInfo[] {
    return this.#modules.moduleSectionList(module);
  }

  moduleImportByName(module: ModuleInfo, name: string): ImportInfo {
    return this.#modules.moduleImportByName(module, name);
  }

  moduleExportByName(module: ModuleInfo, name: string): ExportInfo {
    return this.#modules.moduleExportByName(module, name);
  }

  moduleSectionByName(module: ModuleInfo, name: string): SectionInfo {
    return this.#modules.moduleSectionByName(module, name);
  }

  mappedMemRange(gapSize: number | bigint, start?: Address, end?: Address): MemoryRange[] {
    return memoryRanges(this.#calls, PROCESS_VTBL.MAPPED_MEM, PROCESS_VTBL.MAPPED_MEM_RANGE, gapSize, start, end);
  }

  virtualTranslate(): NativeVirtualTranslate | undefined {
    if (!this.#memory.live) throw this.#memory.usedAfterEnd();
    return this.#translate;
  }

  virtToPhys(address: Address): PhysicalAddress {
    return virtToPhysThrough(this.virtualTranslate(), this.label, address);
  }

  metadata(): MemoryViewMetadata {
    return this.#view.metadata();
  }

  read(address: Address, length: number): Uint8Array {
    return this.#view.read(address, length);
  }

  readInto(address: Address, buffer: Uint8Array): number {
    return this.#view.readInto(address, buffer);
  }

  readBatch(requests: readonly ReadRequest[]): ReadResults {
    return this.#view.readBatch(requests);
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return this.#view.readMany(requests);
  }

  write(address: Address, bytes: Uint8Array): void {
    this.#view.write(address, bytes);
  }

  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    return this.#view.writeBatch(requests);
  }

  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    return this.#view.writeBatchFrom(requests, bytes);
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    return this.#view.writeMany(requests);
  }

  /** Runs a reusable batch of reads (or writes) in one call (see TransferBatch). */
  run(batch: TransferBatch, write = false): void {
    this.#view.run(batch, write);
  }

  /** Drops the process (an owning one drops the OS and its connector too); later calls do nothing. */
  close(): void {
    this.#memory.drop();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

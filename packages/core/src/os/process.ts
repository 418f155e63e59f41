/**
 * A process of an OS (memflow's `Process` with its `MemoryView`): its info, its modules, and its
 * virtual memory. A process from `os.processBy…` borrows the OS; one from `os.intoProcessBy…`
 * owns it (see plugin/os.ts). Reads and writes are virtual: `readMany` reports unmapped parts
 * per request instead of throwing, zero-filled.
 */
import type { Address } from "../memory/address.ts";
import type { MemoryView } from "../memory/memory-view.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";
import type { ArchitectureIdent } from "./architecture.ts";
import type { ModuleAddressInfo, ModuleContents, ModuleInfo } from "./module-info.ts";
import type { MemoryRange, PhysicalAddress } from "./page.ts";
import type { ProcessInfo, ProcessState } from "./process-info.ts";
import type { VirtualTranslate } from "./virtual-translate.ts";

export interface Process extends MemoryView, ModuleContents, Disposable {
  /** The OS plugin's name. */
  readonly name: string;
  /** True once closed, or once the OS it borrows was closed. */
  readonly closed: boolean;
  /** What the plugin knows of the process: its state as of when it was opened (`state()` asks now), its dtbs as set. */
  info(): ProcessInfo;
  /** Asked of the plugin now: a process may have died since it was opened. */
  state(): ProcessState;
  /** Switches the page-table roots the process's memory is read through (dtb2 defaults to none). */
  setDtb(dtb1: Address, dtb2?: Address): void;
  /** Module entries; `arch` picks one architecture's list of an emulated process (WoW64), else all. */
  moduleAddressList(arch?: ArchitectureIdent): ModuleAddressInfo[];
  moduleList(arch?: ArchitectureIdent): ModuleInfo[];
  /** Throws (OsLayer, ModuleNotFound). */
  moduleByAddress(address: Address, arch: ArchitectureIdent): ModuleInfo;
  /** The first module named exactly `name` (of `arch`, when given); throws (OsLayer, ModuleNotFound). */
  moduleByName(name: string, arch?: ArchitectureIdent): ModuleInfo;
  primaryModuleAddress(): bigint;
  /** The process's executable. */
  primaryModule(): ModuleInfo;
  /**
   * Mapped ranges of [start, end) (default: the whole address space), gaps of up to `gapSize`
   * bytes between ranges of one type filled (-1: none filled).
   */
  mappedMemRange(gapSize: number | bigint, start?: Address, end?: Address): MemoryRange[];
  /** Runs a reusable batch of virtual reads (or writes) in one call, as `Connector.run` does. */
  run(batch: TransferBatch, write?: boolean): void;
  /** The process's address translation, when the plugin offers it; valid while the process is open. */
  virtualTranslate(): VirtualTranslate | undefined;
  /**
   * memflow's `virt_to_phys` on the process: throws (VirtualTranslate, OutOfBounds) for an
   * unmapped address, and (OsLayer, UnsupportedOptionalFeature) when the plugin offers no translation.
   */
  virtToPhys(address: Address): PhysicalAddress;
  /** Drops the process (and, for an owning one, the OS and the connector under it); later calls do nothing. */
  close(): void;
}

/**
 * An OS instance: memflow's `OsInstance`, created by an OS plugin over the connector it was given
 * (which it owns from then on): its processes, its kernel's modules, and the optional parts the
 * plugin may offer (physical memory, the kernel's virtual memory and translation, the keyboard).
 *
 * Borrowing, as memflow's Rust API enforces it: a process from `processBy…` (or the keyboard)
 * borrows the OS mutably, so while one is open the OS can be used for nothing else and no second
 * one can be opened; each call says so. `close()` closes the borrower first. A process from
 * `intoProcessBy…` owns the OS instead: the OS is spent from then on (`closed`), whether the call
 * succeeded or not, as memflow moves it into the call.
 */
import type { Address } from "../memory/address.ts";
import type { MemoryView } from "../memory/memory-view.ts";
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { Keyboard } from "../os/keyboard.ts";
import type { ModuleContents, ModuleInfo } from "../os/module-info.ts";
import type { Process } from "../os/process.ts";
import type { ProcessInfo } from "../os/process-info.ts";
import type { VirtualTranslate } from "../os/virtual-translate.ts";

/** memflow's `OsInfo`. */
export interface OsInfo {
  /** The kernel's base address. */
  readonly base: bigint;
  readonly size: bigint;
  readonly arch: ArchitectureIdent;
}

export interface Os extends ModuleContents, Disposable {
  readonly name: string;
  /** True once closed, or moved into another plugin or into a process. */
  readonly closed: boolean;
  info(): OsInfo;

  processAddressList(): bigint[];
  processInfoList(): ProcessInfo[];
  /** Throws (OsLayer, ProcessNotFound), as the three below. */
  processInfoByAddress(address: Address): ProcessInfo;
  processInfoByPid(pid: number): ProcessInfo;
  /** The first process named exactly `name` that is not dead. */
  processInfoByName(name: string): ProcessInfo;

  /** A process that borrows this OS (see above). */
  processByInfo(info: ProcessInfo): Process;
  processByAddress(address: Address): Process;
  processByPid(pid: number): Process;
  processByName(name: string): Process;
  /** A process that owns this OS, which is spent afterwards (see above). */
  intoProcessByInfo(info: ProcessInfo): Process;
  intoProcessByAddress(address: Address): Process;
  intoProcessByPid(pid: number): Process;
  intoProcessByName(name: string): Process;

  /** The kernel's modules. */
  moduleAddressList(): bigint[];
  moduleList(): ModuleInfo[];
  /** Throws (OsLayer, ModuleNotFound), as moduleByName. */
  moduleByAddress(address: Address): ModuleInfo;
  moduleByName(name: string): ModuleInfo;
  primaryModuleAddress(): bigint;
  /** The kernel image. */
  primaryModule(): ModuleInfo;

  /** The optional parts: undefined when the plugin does not offer them; valid while the OS is open. */
  physicalMemory(): PhysicalMemory | undefined;
  /** The kernel's virtual memory. */
  memoryView(): MemoryView | undefined;
  /** The kernel's address translation. */
  virtualTranslate(): VirtualTranslate | undefined;
  /** The keyboard, which borrows the OS as a process does. */
  keyboard(): Keyboard | undefined;
  /**
   * A keyboard that owns this OS, which is spent afterwards (as `intoProcessBy…`). Throws
   * (OsLayer, UnsupportedOptionalFeature), leaving the OS as it was, when the plugin has no keyboard.
   */
  intoKeyboard(): Keyboard;

  /** Drops what borrows the OS, then the instance and the connector it owns; later calls do nothing. */
  close(): void;
}

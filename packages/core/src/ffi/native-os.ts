/**
 * An OS instance created by a native plugin (memflow's `OsInstance`, 88 bytes, over the connector
 * it owns): every call of memflow's Os trait, the optional parts the plugin offers, and the
 * borrowing rules of plugin/os.ts (decision 0012). A process or keyboard opened from the OS
 * borrows it: while one is open the OS refuses every other call, `close()` closes it first. An
 * `into…` call moves the OS into what it opens: the OS is spent, whether the call succeeds or not.
 */
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { MemoryView } from "../memory/memory-view.ts";
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { Keyboard } from "../os/keyboard.ts";
import type { ExportInfo, ImportInfo, ModuleInfo, SectionInfo } from "../os/module-info.ts";
import { OsLending } from "../os/os-lending.ts";
import { checkPid, type ProcessInfo } from "../os/process-info.ts";
import type { VirtualTranslate } from "../os/virtual-translate.ts";
import type { Os, OsInfo } from "../plugin/os.ts";
import { InstanceMemory } from "./instance-memory.ts";
import {
  INTO_KEYBOARD_INSTANCE,
  INTO_PROCESS_INSTANCE,
  KEYBOARD_INSTANCE,
  OS_INSTANCE,
  PROCESS_INSTANCE,
} from "./layouts.ts";
import { type CallArguments, instanceTarget, NativeCalls } from "./native-calls.ts";
import type { NativeKeyboard } from "./native-keyboard.ts";
import type { NativeModules } from "./native-modules.ts";
import type { NativeProcess } from "./native-process.ts";
import { ADDRESS, MODULE_INFO_RECORD, osInfoAt, PROCESS_INFO_RECORD } from "./os-decode.ts";
import { OS_INFO, OS_KEYBOARD_VTBL, OS_VTBL, SHIM_CALL, type VtableEntry } from "./os-layouts.ts";
import { PluginInstance } from "./plugin-instance.ts";

/*
 * The wrappers of what an OS opens (a process, a keyboard, a kernel view, a translator, module
 * calls, its physical memory) are loaded when one is first opened (`require`): `ps` and `info`
 * open none, and loading them up front cost those commands start-up (decision 0007, "the OS
 * path"). Physical memory's wrapper comes with batched transfers; a chain with a native
 * connector has loaded it already.
 */
const processWrapper = () => require("./native-process.ts") as typeof import("./native-process.ts");
const keyboardWrapper = () => require("./native-keyboard.ts") as typeof import("./native-keyboard.ts");
const modulesWrapper = () => require("./native-modules.ts") as typeof import("./native-modules.ts");
const memoryViewWrapper = () => require("./native-memory-view.ts") as typeof import("./native-memory-view.ts");
const translateWrapper = () =>
  require("./native-virtual-translate.ts") as typeof import("./native-virtual-translate.ts");
const physicalMemoryWrapper = () =>
  require("./native-physical-memory.ts") as typeof import("./native-physical-memory.ts");

export class NativeOs extends PluginInstance implements Os {
  readonly #calls: NativeCalls;
  readonly #keyboardCalls: NativeCalls;
  #moduleCalls: NativeModules | undefined;
  readonly #lending = new OsLending();

  /** @internal created by the plugin host. */
  constructor(name: string, memory: InstanceMemory) {
    super(name, memory);
    const usable = () => this.#usable();
    this.#calls = new NativeCalls(instanceTarget(memory, OS_INSTANCE.VTBL_OS, usable));
    this.#keyboardCalls = new NativeCalls(instanceTarget(memory, OS_INSTANCE.VTBL_KEYBOARD, usable));
  }

  /** The module calls, made when a module is first asked for. */
  #modules(): NativeModules {
    this.#moduleCalls ??= new (modulesWrapper().NativeModules)(this.#calls, OS_VTBL);
    return this.#moduleCalls;
  }

  /**
   * The instance, when the OS may be used now: not closed, not moved, and not lent to a process
   * or keyboard that is still open (as Rust's borrow checker would refuse it).
   */
  #usable(): InstanceMemory {
    const memory = this.memory;
    memory.base();
    this.#lending.check(memory.label);
    return memory;
  }

  info(): OsInfo {
    const out = new Uint8Array(OS_INFO.SIZE);
    this.#calls.call(SHIM_CALL.OS_INFO, OS_VTBL.INFO, {}, out);
    return osInfoAt(new DataView(out.buffer), 0);
  }

  processAddressList(): bigint[] {
    return this.#calls.list(SHIM_CALL.ADDRESS_LIST, OS_VTBL.PROCESS_ADDRESS_LIST_CALLBACK, ADDRESS);
  }

  processInfoList(): ProcessInfo[] {
    return this.#calls.list(SHIM_CALL.PROCESS_INFO_LIST, OS_VTBL.PROCESS_INFO_LIST_CALLBACK, PROCESS_INFO_RECORD);
  }

  processInfoByAddress(address: Address): ProcessInfo {
    return this.#calls.one(SHIM_CALL.PROCESS_INFO_BY_ADDRESS, OS_VTBL.PROCESS_INFO_BY_ADDRESS, PROCESS_INFO_RECORD, {
      numbers: [address],
      about: formatAddress(address),
    });
  }

  processInfoByPid(pid: number): ProcessInfo {
    return this.#calls.one(SHIM_CALL.PROCESS_INFO_BY_PID, OS_VTBL.PROCESS_INFO_BY_PID, PROCESS_INFO_RECORD, {
      numbers: [checkPid(pid)],
      about: `pid ${pid}`,
    });
  }

  processInfoByName(name: string): ProcessInfo {
    return this.#calls.one(SHIM_CALL.PROCESS_INFO_BY_NAME, OS_VTBL.PROCESS_INFO_BY_NAME, PROCESS_INFO_RECORD, {
      name,
      about: name,
    });
  }

  processByInfo(info: ProcessInfo): NativeProcess {
    return this.#lend(SHIM_CALL.PROCESS_BY_INFO, OS_VTBL.PROCESS_BY_INFO, { info, about: `pid ${info.pid}` });
  }

  processByAddress(address: Address): NativeProcess {
    return this.#lend(SHIM_CALL.PROCESS_BY_ADDRESS, OS_VTBL.PROCESS_BY_ADDRESS, {
      numbers: [address],
      about: formatAddress(address),
    });
  }

  processByPid(pid: number): NativeProcess {
    return this.#lend(SHIM_CALL.PROCESS_BY_PID, OS_VTBL.PROCESS_BY_PID, {
      numbers: [checkPid(pid)],
      about: `pid ${pid}`,
    });
  }

  processByName(name: string): NativeProcess {
    return this.#lend(SHIM_CALL.PROCESS_BY_NAME, OS_VTBL.PROCESS_BY_NAME, { name, about: name });
  }

  intoProcessByInfo(info: ProcessInfo): NativeProcess {
    return this.#intoProcess(SHIM_CALL.INTO_PROCESS_BY_INFO, OS_VTBL.INTO_PROCESS_BY_INFO, {
      info,
      about: `pid ${info.pid}`,
    });
  }

  intoProcessByAddress(address: Address): NativeProcess {
    return this.#intoProcess(SHIM_CALL.INTO_PROCESS_BY_ADDRESS, OS_VTBL.INTO_PROCESS_BY_ADDRESS, {
      numbers: [address],
      about: formatAddress(address),
    });
  }

  intoProcessByPid(pid: number): NativeProcess {
    return this.#intoProcess(SHIM_CALL.INTO_PROCESS_BY_PID, OS_VTBL.INTO_PROCESS_BY_PID, {
      numbers: [checkPid(pid)],
      about: `pid ${pid}`,
    });
  }

  intoProcessByName(name: string): NativeProcess {
    return this.#intoProcess(SHIM_CALL.INTO_PROCESS_BY_NAME, OS_VTBL.INTO_PROCESS_BY_NAME, { name, about: name });
  }

  /** Opens a process that borrows the OS until it is closed. */
  #lend(shape: number, entry: VtableEntry, args: CallArguments): NativeProcess {
    const bytes = new Uint8Array(PROCESS_INSTANCE.SIZE);
    this.#calls.call(shape, entry, args, bytes);
    const process = processWrapper().NativeProcess.open(this.name, bytes, false, this.memory.plugin, this.memory.label);
    this.#lending.lend(process);
    return process;
  }

  #intoProcess(shape: number, entry: VtableEntry, args: CallArguments): NativeProcess {
    const bytes = this.#consume(this.#calls, shape, entry, args, INTO_PROCESS_INSTANCE.SIZE, "a process");
    return processWrapper().NativeProcess.open(this.name, bytes, true, this.memory.plugin, this.memory.label);
  }

  /**
   * Calls an entry that consumes the OS: from the moment the plugin is called the OS is spent
   * (memflow moves it into the call; on failure the plugin drops it). Returns what it wrote.
   */
  #consume(calls: NativeCalls, shape: number, entry: VtableEntry, args: CallArguments, size: number, into: string) {
    const memory = this.#usable();
    const out = new Uint8Array(size);
    let spent: Uint8Array | undefined;
    try {
      calls.call(shape, entry, args, out, () => {
        spent = memory.move(into);
      });
    } finally {
      keep(spent);
    }
    return out;
  }

  moduleAddressList(): bigint[] {
    return this.#calls.list(SHIM_CALL.ADDRESS_LIST, OS_VTBL.MODULE_ADDRESS_LIST_CALLBACK, ADDRESS);
  }

  moduleList(): ModuleInfo[] {
    return this.#calls.list(SHIM_CALL.MODULE_LIST, OS_VTBL.MODULE_LIST_CALLBACK, MODULE_INFO_RECORD);
  }

  moduleByAddress(address: Address): ModuleInfo {
    return this.#calls.one(SHIM_CALL.MODULE_BY_ADDRESS, OS_VTBL.MODULE_BY_ADDRESS, MODULE_INFO_RECORD, {
      numbers: [address],
      about: formatAddress(address),
    });
  }

  moduleByName(name: string): ModuleInfo {
    return this.#modules().moduleByName(name);
  }

  primaryModuleAddress(): bigint {
    return this.#modules().primaryModuleAddress();
  }

  primaryModule(): ModuleInfo {
    return this.#modules().primaryModule();
  }

  moduleImportList(module: ModuleInfo): ImportInfo[] {
    return this.#modules().moduleImportList(module);
  }

  moduleExportList(module: ModuleInfo): ExportInfo[] {
    return this.#modules().moduleExportList(module);
  }

  moduleSectionList(module: ModuleInfo): SectionInfo[] {
    return this.#modules().moduleSectionList(module);
  }

  moduleImportByName(module: ModuleInfo, name: string): ImportInfo {
    return this.#modules().moduleImportByName(module, name);
  }

  moduleExportByName(module: ModuleInfo, name: string): ExportInfo {
    return this.#modules().moduleExportByName(module, name);
  }

  moduleSectionByName(module: ModuleInfo, name: string): SectionInfo {
    return this.#modules().moduleSectionByName(module, name);
  }

  physicalMemory(): PhysicalMemory | undefined {
    const usable = () => void this.#usable();
    usable();
    const handle = this.memory.handle(OS_INSTANCE.VTBL_PHYSICAL_MEMORY, `${this.memory.label} physical memory`, usable);
    return handle && new (physicalMemoryWrapper().NativePhysicalMemory)(handle);
  }

  memoryView(): MemoryView | undefined {
    const usable = () => void this.#usable();
    usable();
    const handle = this.memory.handle(OS_INSTANCE.VTBL_MEMORY_VIEW, `${this.memory.label} kernel memory`, usable);
    return handle && new (memoryViewWrapper().NativeMemoryView)(handle);
  }

  virtualTranslate(): VirtualTranslate | undefined {
    const memory = this.#usable();
    if (memory.vtable(OS_INSTANCE.VTBL_VIRTUAL_TRANSLATE) === null) return undefined;
    return new (translateWrapper().NativeVirtualTranslate)(
      instanceTarget(memory, OS_INSTANCE.VTBL_VIRTUAL_TRANSLATE, () => this.#usable()),
    );
  }

  /** The keyboard, borrowing the OS until it is closed; undefined when the plugin offers none. */
  keyboard(): Keyboard | undefined {
    const memory = this.#usable();
    if (memory.vtable(OS_INSTANCE.VTBL_KEYBOARD) === null) return undefined;
    const out = new Uint8Array(KEYBOARD_INSTANCE.SIZE);
    this.#keyboardCalls.call(SHIM_CALL.KEYBOARD, OS_KEYBOARD_VTBL.KEYBOARD, {}, out);
    const keyboard = this.#wrapKeyboard(out, KEYBOARD_INSTANCE, `the keyboard of ${memory.label}`);
    this.#lending.lend(keyboard);
    return keyboard;
  }

  /**
   * A keyboard that owns the OS, which is spent afterwards (memflow's `into_keyboard`). Throws
   * (OsLayer, UnsupportedOptionalFeature), and leaves the OS as it was, when the plugin offers none.
   */
  intoKeyboard(): Keyboard {
    const memory = this.#usable();
    if (memory.vtable(OS_INSTANCE.VTBL_KEYBOARD) === null)
      throw new MemflowError("OsLayer", "UnsupportedOptionalFeature", `${memory.label} has no keyboard`);
    const label = `the keyboard of ${memory.label}`;
    const out = this.#consume(
      this.#keyboardCalls,
      SHIM_CALL.INTO_KEYBOARD,
      OS_KEYBOARD_VTBL.INTO_KEYBOARD,
      {},
      INTO_KEYBOARD_INSTANCE.SIZE,
      "a keyboard",
    );
    return this.#wrapKeyboard(out, INTO_KEYBOARD_INSTANCE, label);
  }

  #wrapKeyboard(
    bytes: Uint8Array,
    layout: typeof KEYBOARD_INSTANCE | typeof INTO_KEYBOARD_INSTANCE,
    label: string,
  ): NativeKeyboard {
    return new (keyboardWrapper().NativeKeyboard)(
      new InstanceMemory(bytes, layout.CONTAINER, label, this.memory.plugin),
      layout.VTBL_KEYBOARD,
    );
  }

  /** Moving the OS into a connector is refused while it is lent, as any other use. */
  override moveOut(): Uint8Array {
    this.#usable();
    return super.moveOut();
  }

  /** Closes what borrows the OS, then drops the instance and the connector it owns; later calls do nothing. */
  override close(): void {
    this.#lending.closeBorrower();
    super.close();
  }
}

/** Keeps a buffer a native call used reachable until after the call. */
function keep(..._values: unknown[]): void {}

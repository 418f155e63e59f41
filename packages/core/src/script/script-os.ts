/**
 * An OS layer backed by a TypeScript definition. It is the same `Os` as a native plugin's: the
 * author gives the process list, opening a process and the optional parts; this class adds
 * memflow's default trait methods (lookups from the list, by-name skipping dead processes,
 * `processBy…` through `processByInfo`), memflow's errors, and the borrowing rules of
 * decision 0012 (OsLending). It owns its input connector and closes it last.
 */
import { type OsArgs, osArgs } from "../args/connector-args.ts";
import { MemflowError } from "../error.ts";
import { type Address, formatAddress } from "../memory/address.ts";
import type { MemoryView } from "../memory/memory-view.ts";
import type { PhysicalMemory } from "../memory/physical-memory.ts";
import type { Keyboard } from "../os/keyboard.ts";
import { OsLending } from "../os/os-lending.ts";
import { checkPid, type ProcessInfo } from "../os/process-info.ts";
import type { VirtualTranslate } from "../os/virtual-translate.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os, OsInfo } from "../plugin/os.ts";
import { authorCall, closeThenOwned, guarded } from "./author-code.ts";
import type { OsDefinition, ScriptModules, ScriptOsParts } from "./os-definition.ts";
import { ScriptKeyboard } from "./script-keyboard.ts";
import { ScriptModuleLookup } from "./script-module-lookup.ts";
import { ScriptProcess } from "./script-process.ts";

export class ScriptOs extends ScriptModuleLookup implements Os {
  readonly name: string;
  readonly label: string;
  readonly #parts: ScriptOsParts;
  readonly #input: Connector | undefined;
  readonly #lending = new OsLending();
  /** `live`, `closed`, or what it was moved into. */
  #state: "live" | "closed" | { readonly movedInto: string } = "live";

  private constructor(name: string, parts: ScriptOsParts, input: Connector | undefined) {
    super();
    this.name = name;
    this.label = `os ${name}`;
    this.#parts = parts;
    this.#input = input;
  }

  /** The kernel's modules. */
  protected override modulesGiven(): ScriptModules | undefined {
    return this.#parts.kernel;
  }

  protected override checkUsable(): void {
    this.#usable();
  }

  /**
   * Validates the arguments, then calls the definition's `create`. The input connector is moved
   * into the OS whether it starts or not, as a native plugin takes it: on failure it is closed.
   */
  static create(definition: OsDefinition, input: Connector | undefined, args: OsArgs = osArgs()): ScriptOs {
    let parts: ScriptOsParts;
    try {
      definition.args?.validate(args.extraArgs);
      parts = authorCall("OsLayer", `os ${definition.name} failed to start`, () => definition.create(input, args));
    } catch (error) {
      input?.close();
      throw error;
    }
    return new ScriptOs(definition.name, parts, input);
  }

  get closed(): boolean {
    return this.#state !== "live";
  }

  /** Throws unless the OS may be used now: open, not moved, not lent to an open borrower. */
  #usable(): void {
    const state = this.#state;
    if (state === "closed") throw new MemflowError("Ffi", "Uninitialized", `${this.label} was closed`);
    if (state !== "live")
      throw new MemflowError("Ffi", "Uninitialized", `${this.label} was moved into ${state.movedInto}`);
    this.#lending.check(this.label);
  }

  #call<T>(what: string, call: (parts: ScriptOsParts) => T): T {
    this.#usable();
    return authorCall("OsLayer", `${this.label}: ${what}`, () => call(this.#parts));
  }

  info(): OsInfo {
    return this.#call("info", (parts) => parts.info());
  }

  processAddressList(): bigint[] {
    return this.processInfoList().map((info) => info.address);
  }

  processInfoList(): ProcessInfo[] {
    return this.#call("processInfoList", (parts) => parts.processInfoList());
  }

  processInfoByAddress(address: Address): ProcessInfo {
    const wanted = BigInt(address);
    return this.#found(
      this.#call("processInfoByAddress", (parts) =>
        parts.processInfoByAddress
          ? parts.processInfoByAddress(wanted)
          : parts.processInfoList().find((info) => info.address === wanted),
      ),
      `no process at ${formatAddress(address)}`,
    );
  }

  processInfoByPid(pid: number): ProcessInfo {
    checkPid(pid);
    return this.#found(
      this.#call("processInfoByPid", (parts) =>
        parts.processInfoByPid ? parts.processInfoByPid(pid) : parts.processInfoList().find((info) => info.pid === pid),
      ),
      `no process with pid ${pid}`,
    );
  }

  /** memflow's default: the first process named exactly `name` that is not dead. */
  processInfoByName(name: string): ProcessInfo {
    return this.#found(
      this.#call("processInfoByName", (parts) =>
        parts.processInfoByName
          ? parts.processInfoByName(name)
          : parts.processInfoList().find((info) => info.name === name && info.state.kind !== "Dead"),
      ),
      `no running process named ${JSON.stringify(name)}`,
    );
  }

  #found(info: ProcessInfo | undefined, what: string): ProcessInfo {
    if (info === undefined) throw new MemflowError("OsLayer", "ProcessNotFound", `${this.label}: ${what}`);
    return info;
  }

  processByInfo(info: ProcessInfo): ScriptProcess {
    const parts = this.#call(`process pid ${info.pid}`, (os) => os.process(info));
    const process = new ScriptProcess(this.name, this.label, info, parts);
    this.#lending.lend(process);
    return process;
  }

  processByAddress(address: Address): ScriptProcess {
    return this.processByInfo(this.processInfoByAddress(address));
  }

  processByPid(pid: number): ScriptProcess {
    return this.processByInfo(this.processInfoByPid(pid));
  }

  processByName(name: string): ScriptProcess {
    return this.processByInfo(this.processInfoByName(name));
  }

  intoProcessByInfo(info: ProcessInfo): ScriptProcess {
    return this.#intoProcess(() => info);
  }

  intoProcessByAddress(address: Address): ScriptProcess {
    return this.#intoProcess(() => this.processInfoByAddress(address));
  }

  intoProcessByPid(pid: number): ScriptProcess {
    return this.#intoProcess(() => this.processInfoByPid(pid));
  }

  intoProcessByName(name: string): ScriptProcess {
    return this.#intoProcess(() => this.processInfoByName(name));
  }

  /**
   * memflow moves the OS into the call: from here on it is spent, and on failure it is dropped
   * (with its connector), whatever failed. `open` may still use the OS (lookups run before the move).
   */
  #moveInto<T>(open: () => { readonly value: T; readonly into: string }): T {
    this.#usable();
    try {
      const { value, into } = open();
      this.#state = { movedInto: into };
      return value;
    } catch (error) {
      this.#state = { movedInto: "a call that failed" };
      this.#drop();
      throw error;
    }
  }

  #intoProcess(lookup: () => ProcessInfo): ScriptProcess {
    return this.#moveInto(() => {
      const info = lookup();
      const parts = this.#call(`process pid ${info.pid}`, (os) => os.process(info));
      const process = new ScriptProcess(this.name, this.label, info, parts, () => this.#drop());
      return { value: process, into: process.label };
    });
  }

  moduleAddressList(): bigint[] {
    return this.moduleList().map((module) => module.address);
  }

  /** The optional parts, each call through them checked as a call on the OS. */
  #part<T extends object>(what: string, get: ((this: ScriptOsParts) => T) | undefined): T | undefined {
    if (get === undefined) {
      this.#usable();
      return undefined;
    }
    const part = this.#call(what, (parts) => get.call(parts));
    return guarded(part, "OsLayer", `${this.label} ${what}`, () => this.#usable());
  }

  physicalMemory(): PhysicalMemory | undefined {
    return this.#part("physicalMemory", this.#parts.physicalMemory);
  }

  memoryView(): MemoryView | undefined {
    return this.#part("memoryView", this.#parts.memoryView);
  }

  virtualTranslate(): VirtualTranslate | undefined {
    return this.#part("virtualTranslate", this.#parts.virtualTranslate);
  }

  /** The keyboard, borrowing the OS until it is closed; undefined when the layer offers none. */
  keyboard(): Keyboard | undefined {
    this.#usable();
    const open = this.#parts.keyboard;
    if (open === undefined) return undefined;
    const keyboard = new ScriptKeyboard(
      this.#keyboardLabel,
      this.#call("keyboard", (os) => open.call(os)),
    );
    this.#lending.lend(keyboard);
    return keyboard;
  }

  /** A keyboard that owns the OS; (OsLayer, UnsupportedOptionalFeature), the OS left as it was, without one. */
  intoKeyboard(): Keyboard {
    this.#usable();
    const open = this.#parts.keyboard;
    if (open === undefined)
      throw new MemflowError("OsLayer", "UnsupportedOptionalFeature", `${this.label} has no keyboard`);
    return this.#moveInto(() => {
      const parts = this.#call("intoKeyboard", (os) => open.call(os));
      return { value: new ScriptKeyboard(this.#keyboardLabel, parts, () => this.#drop()), into: "a keyboard" };
    });
  }

  get #keyboardLabel(): string {
    return `the keyboard of ${this.label}`;
  }

  /** Drops the author's instance, then the connector it read through. */
  #drop(): void {
    closeThenOwned(this.label, this.#parts.close?.bind(this.#parts), () => this.#input?.close());
  }

  /** Closes what borrows the OS, then the OS and its connector; later calls (and a moved OS) do nothing. */
  close(): void {
    if (this.#state !== "live") return;
    this.#lending.closeBorrower();
    this.#state = "closed";
    this.#drop();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * A process of a TypeScript OS layer: the same `Process` as a native plugin's, from the parts its
 * author gives (modules, a virtual memory, optionally a translation) plus memflow's defaults.
 * A process from `processBy…` borrows its OS; one from `intoProcessBy…` owns it and closes it
 * when closed (decision 0012). Any use after close throws (Ffi, Uninitialized).
 */
import { MemflowError } from "../error.ts";
import type { Address } from "../memory/address.ts";
import { ReadResults, TransferResults } from "../memory/batch-results.ts";
import type { MemoryAccess, ReadRequest, WriteRequest } from "../memory/memory-access.ts";
import type { MemoryViewMetadata } from "../memory/memory-view.ts";
import type { TransferBatch } from "../memory/transfer-batch.ts";
import { sliceWriteRanges } from "../memory/write-ranges.ts";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ModuleAddressInfo } from "../os/module-info.ts";
import type { MemoryRange, PhysicalAddress } from "../os/page.ts";
import type { Process } from "../os/process.ts";
import { INVALID_ADDRESS, type ProcessInfo, type ProcessState } from "../os/process-info.ts";
import { type VirtualTranslate, virtToPhysThrough } from "../os/virtual-translate.ts";
import { authorCall, guarded } from "./author-code.ts";
import type { AuthorMemory, ScriptProcessParts } from "./os-definition.ts";
import { PartLife } from "./part-life.ts";
import { runBatch } from "./run-batch.ts";
import { ScriptModuleLookup } from "./script-module-lookup.ts";

/** The width of an address space, as memflow's `ArchitectureIdent::into_obj().bits()`. */
function addressBits(arch: ArchitectureIdent): number {
  return arch.kind === "X86" ? arch.bits : 64;
}

export class ScriptProcess extends ScriptModuleLookup implements Process {
  /** The OS layer's name. */
  readonly name: string;
  /** Whether the process owns the OS (from `intoProcessBy…`) or borrows it. */
  readonly owning: boolean;
  readonly label: string;
  readonly #parts: ScriptProcessParts;
  // The author's virtual memory, each call checked as a call on the process.
  readonly read: MemoryAccess["read"];
  readonly readInto: MemoryAccess["readInto"];
  readonly readMany: MemoryAccess["readMany"];
  readonly write: MemoryAccess["write"];
  readonly writeMany: MemoryAccess["writeMany"];
  readonly #memory: AuthorMemory;
  /** The author's translation, asked for on first use (so opening a process runs no more author code than needed). */
  #translate: { readonly value: VirtualTranslate | undefined } | undefined;
  #info: ProcessInfo;
  readonly #life: PartLife;

  /** @internal opened by ScriptOs; `owned` closes the OS an owning process took. */
  constructor(name: string, osLabel: string, info: ProcessInfo, parts: ScriptProcessParts, owned?: () => void) {
    super();
    this.name = name;
    this.owning = owned !== undefined;
    this.label = `process ${info.name} (pid ${info.pid}) of ${osLabel}`;
    this.#parts = parts;
    this.#info = info;
    this.#life = new PartLife(this.label, parts.close?.bind(parts), owned);
    const usable = () => this.#usable();
    this.#memory = guarded(parts.memory, "OsLayer", this.label, usable);
    ({
      read: this.read,
      readInto: this.readInto,
      readMany: this.readMany,
      write: this.write,
      writeMany: this.writeMany,
    } = this.#memory);
  }

  readBatch(requests: readonly ReadRequest[]): ReadResults {
    const memory = this.#memory;
    return memory.readBatch
      ? memory.readBatch(requests)
      : ReadResults.fromReadResults(requests, memory.readMany(requests));
  }

  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    const memory = this.#memory;
    return memory.writeBatch
      ? memory.writeBatch(requests)
      : TransferResults.fromWriteResults(requests, memory.writeMany(requests));
  }

  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    const memory = this.#memory;
    return memory.writeBatchFrom
      ? memory.writeBatchFrom(requests, bytes)
      : this.writeBatch(sliceWriteRanges(requests, bytes));
  }

  get closed(): boolean {
    return this.#life.closed;
  }

  protected override modulesGiven(): ScriptProcessParts {
    return this.#parts;
  }

  protected override checkUsable(): void {
    this.#usable();
  }

  #usable(): void {
    this.#life.check();
  }

  #call<T>(what: string, call: () => T): T {
    this.#usable();
    return authorCall("OsLayer", `${this.label}: ${what}`, call);
  }

  info(): ProcessInfo {
    this.#usable();
    return this.#info;
  }

  state(): ProcessState {
    return this.#call("state", () => this.#parts.state?.() ?? this.#info.state);
  }

  setDtb(dtb1: Address, dtb2: Address = INVALID_ADDRESS): void {
    const setDtb = this.#parts.setDtb;
    if (setDtb === undefined) throw new MemflowError("OsLayer", "NotSupported", `${this.label} cannot switch its dtb`);
    this.#call("setDtb", () => setDtb.call(this.#parts, BigInt(dtb1), BigInt(dtb2)));
    this.#info = Object.freeze({ ...this.#info, dtb1: BigInt(dtb1), dtb2: BigInt(dtb2) });
  }

  moduleAddressList(arch?: ArchitectureIdent): ModuleAddressInfo[] {
    return this.moduleList(arch).map((module) => ({ address: module.address, arch: module.arch }));
  }

  /** The author's map, else the translation's (memflow's default), else (OsLayer, UnsupportedOptionalFeature). */
  mappedMemRange(gapSize: number | bigint, start: Address = 0n, end?: Address): MemoryRange[] {
    const last = end === undefined ? this.metadata().maxAddress + 1n : BigInt(end);
    const mapped = this.#parts.mappedMemRange;
    if (mapped !== undefined)
      return this.#call("mappedMemRange", () => mapped.call(this.#parts, BigInt(gapSize), BigInt(start), last));
    const translate = this.virtualTranslate();
    if (translate !== undefined) return translate.virtPageMap(gapSize, start, last);
    throw new MemflowError("OsLayer", "UnsupportedOptionalFeature", `${this.label} has no memory map`);
  }

  virtualTranslate(): VirtualTranslate | undefined {
    this.#usable();
    if (this.#translate === undefined) {
      const given = this.#parts.virtualTranslate;
      const translate = given && this.#call("virtualTranslate", () => given.call(this.#parts));
      this.#translate = {
        value: translate && guarded(translate, "VirtualTranslate", this.label, () => this.#usable()),
      };
    }
    return this.#translate.value;
  }

  virtToPhys(address: Address): PhysicalAddress {
    return virtToPhysThrough(this.virtualTranslate(), this.label, address);
  }

  /** A process's address space as memflow's virtual memory describes it: the width of its architecture. */
  metadata(): MemoryViewMetadata {
    this.#usable();
    const archBits = addressBits(this.#info.procArch);
    const realSize = 1n << BigInt(archBits);
    return { maxAddress: realSize - 1n, realSize, readonly: false, littleEndian: true, archBits };
  }

  run(batch: TransferBatch, write = false): void {
    this.#usable();
    runBatch(
      batch,
      write
        ? (address, data) => this.writeMany([{ address, data }])[0]?.done ?? 0
        : (address, buffer) => this.readInto(address, buffer),
    );
  }

  /** Drops the process, then (for an owning one) the OS and its connector; later calls do nothing. */
  close(): void {
    this.#life.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

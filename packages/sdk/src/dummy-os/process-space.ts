/**
 * A dummy process's address space as the script host sees it: its virtual memory and its
 * translation, core's VirtualMemory (the TypeScript page walk over the connector) from the
 * process's dtb1. `setDtb` switches the walk to other tables from then on, as the native plugin
 * does; the host keeps the objects a process hands out, so this one stays and delegates.
 */
import {
  type Address,
  type MemoryAccess,
  type PhysicalMemory,
  type ReadRequest,
  VirtualMemory,
  type VirtualTranslate,
  type WriteRequest,
} from "@memflow-ts/core";
import { X86_64 } from "./modules.ts";

export class ProcessSpace implements MemoryAccess, VirtualTranslate {
  readonly #physical: PhysicalMemory;
  #view: VirtualMemory;

  constructor(physical: PhysicalMemory, dtb: bigint) {
    this.#physical = physical;
    this.#view = new VirtualMemory(physical, X86_64, dtb);
  }

  /** Every later walk starts at `dtb1` (x86-64 has one root: dtb2 is only reported). */
  switchTo(dtb1: bigint): void {
    this.#view = new VirtualMemory(this.#physical, X86_64, dtb1);
  }

  read(address: Address, length: number) {
    return this.#view.read(address, length);
  }
  readInto(address: Address, buffer: Uint8Array) {
    return this.#view.readInto(address, buffer);
  }
  readMany(requests: readonly ReadRequest[]) {
    return this.#view.readMany(requests);
  }
  readBatch(requests: readonly ReadRequest[]) {
    return this.#view.readBatch(requests);
  }
  write(address: Address, bytes: Uint8Array) {
    this.#view.write(address, bytes);
  }
  writeMany(requests: readonly WriteRequest[]) {
    return this.#view.writeMany(requests);
  }
  writeBatch(requests: readonly WriteRequest[]) {
    return this.#view.writeBatch(requests);
  }
  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array) {
    return this.#view.writeBatchFrom(requests, bytes);
  }
  virtToPhys(address: Address) {
    return this.#view.virtToPhys(address);
  }
  virtPageInfo(address: Address) {
    return this.#view.virtPageInfo(address);
  }
  virtToPhysList(ranges: readonly { address: Address; size: Address }[]) {
    return this.#view.virtToPhysList(ranges);
  }
  virtToPhysRange(start: Address, end: Address) {
    return this.#view.virtToPhysRange(start, end);
  }
  virtTranslationMap(start?: Address, end?: Address) {
    return this.#view.virtTranslationMap(start, end);
  }
  virtPageMap(gapSize: number | bigint, start?: Address, end?: Address) {
    return this.#view.virtPageMap(gapSize, start, end);
  }
  physToVirt(physical: Address) {
    return this.#view.physToVirt(physical);
  }
}

/**
 * A virtual address space in TypeScript: a MemoryView over any PhysicalMemory, translated by the
 * batched page walk (memflow's `VirtualDma`). A batch of reads or writes costs one walk (one
 * physical batch per table level) for all of its pages, then one physical batch for the data:
 * requests are cut at page boundaries, translated together, and the pieces contiguous in physical
 * memory joined again. As core's MemoryAccess promises, batched calls report per request what was
 * transferred, unread bytes are zero, and `read`/`write` throw (VirtualMemory, PartialData) unless
 * every byte was transferred. It is also the address space's VirtualTranslate (page-map.ts), as
 * memflow's VirtualDma is.
 */
import type { Address } from "../../memory/address.ts";
import { ReadResults, TransferResults } from "../../memory/batch-results.ts";
import type { ReadRequest, ReadResult, TransferResult, WriteRequest } from "../../memory/memory-access.ts";
import type { MemoryView, MemoryViewMetadata } from "../../memory/memory-view.ts";
import { partialDataError } from "../../memory/partial-data.ts";
import type { PhysicalMemory } from "../../memory/physical-memory.ts";
import { TransferBatch } from "../../memory/transfer-batch.ts";
import { sliceWriteRanges } from "../../memory/write-ranges.ts";
import type { ArchitectureIdent } from "../architecture.ts";
import type { MemoryRange, Page, PhysicalAddress } from "../page.ts";
import type { VirtualTranslate, VirtualTranslation, VirtualTranslationFailure } from "../virtual-translate.ts";
import { PageTableTranslate } from "./page-map.ts";
import { type PageTableFormat, pageTableFormat } from "./page-table-format.ts";
import { type BatchedPhysicalMemory, PageWalker, type WalkRoots } from "./page-walk.ts";
import { type PageTableRoot, walkRoots } from "./translate.ts";
import { physicalRuns, VirtualPieces } from "./virtual-pieces.ts";
import { WALK, WalkResults } from "./walk-results.ts";

const SOURCE = "virtual memory";

/** How much of each request was transferred. */
interface Tally {
  done: number[];
  failed: number[];
  /** Bytes from each request's start transferred before the first failure. */
  prefix: number[];
}

export class VirtualMemory implements MemoryView, VirtualTranslate {
  readonly physicalMemory: BatchedPhysicalMemory;
  readonly format: PageTableFormat;
  readonly roots: WalkRoots;
  readonly #walker: PageWalker;
  readonly #results = new WalkResults();
  readonly #translate: PageTableTranslate;

  /** The address space whose tables start at `dtb`, in `memory`, as `architecture` walks them. */
  constructor(memory: PhysicalMemory | BatchedPhysicalMemory, architecture: ArchitectureIdent, dtb: PageTableRoot) {
    this.physicalMemory = memory;
    this.format = pageTableFormat(architecture);
    this.roots = walkRoots(this.format, dtb);
    this.#walker = new PageWalker(memory, this.format);
    this.#translate = new PageTableTranslate(memory, this.format, this.roots, this.#walker);
  }

  /** memflow's VirtualDma metadata: the physical memory's sizes, the address space's pointer width. */
  metadata(): MemoryViewMetadata {
    const physical = this.physicalMemory.metadata();
    return {
      maxAddress: physical.maxAddress,
      realSize: physical.realSize,
      readonly: physical.readonly,
      littleEndian: true,
      archBits: this.format.archBits,
    };
  }

  /** The walker this view translates with (and the results of its last walk). */
  get walker(): PageWalker {
    return this.#walker;
  }

  /** Translates the start of every piece in one walk; `physical(piece)` is where it is, or undefined. */
  #translatePieces(pieces: VirtualPieces): (piece: number) => number | undefined {
    const results = this.#results;
    this.#walker.walk(this.roots, pieces.virtual, results);
    return (piece) => (results.status[piece] === WALK.OK ? results.physical[piece] : undefined);
  }

  /**
   * Moves bytes between `buffers` (one per request) and the address space: one walk, one physical
   * batch. Returns per request the bytes transferred, failed, and transferred before a failure.
   */
  #transfer(
    requests: readonly { readonly address: Address; readonly length: number }[],
    buffers: readonly Uint8Array[],
    write: boolean,
  ): Tally {
    const pieces = VirtualPieces.of(requests);
    const physical = this.#translatePieces(pieces);
    const runs = physicalRuns(pieces, physical);
    const runDone = this.#runPhysical(runs, buffers, write);
    const tally: Tally = {
      done: requests.map(() => 0),
      failed: requests.map((_, index) => pieces.beyond[index] as number),
      prefix: requests.map(() => -1),
    };
    // Each request's bytes in order: the runs that moved, and the pieces that did not translate.
    let run = 0;
    for (let piece = 0; piece < pieces.count; piece += 1) {
      const request = pieces.request[piece] as number;
      const offset = pieces.offset[piece] as number;
      const length = pieces.length[piece] as number;
      const current = runs[run];
      if (physical(piece) === undefined) {
        tally.failed[request] = (tally.failed[request] as number) + length;
        if (tally.prefix[request] === -1) tally.prefix[request] = offset;
        continue;
      }
      // Pieces of one run share its outcome; account for the run at its first piece. A translated
      // piece that starts no run continues the one before (also the last run: then `current` is
      // past the end), whose count has it already.
      if (current === undefined || current.offset !== offset || current.request !== request) continue;
      const done = runDone[run] as number;
      tally.done[request] = (tally.done[request] as number) + done;
      tally.failed[request] = (tally.failed[request] as number) + current.length - done;
      if (done < current.length && tally.prefix[request] === -1) tally.prefix[request] = offset + done;
      run += 1;
    }
    for (const [index, request] of requests.entries()) {
      if (tally.prefix[index] === -1) tally.prefix[index] = request.length - (pieces.beyond[index] as number);
    }
    return tally;
  }

  /** One physical batch for the runs; returns how many bytes of each moved. */
  #runPhysical(runs: ReturnType<typeof physicalRuns>, buffers: readonly Uint8Array[], write: boolean): number[] {
    if (runs.length === 0) return [];
    const memory = this.physicalMemory;
    const views = runs.map((run) => (buffers[run.request] as Uint8Array).subarray(run.offset, run.offset + run.length));
    if (memory.run) {
      const batch = new TransferBatch(runs.length);
      for (const [index, run] of runs.entries()) batch.add(run.physical, views[index] as Uint8Array);
      memory.run(batch, write);
      return runs.map((_, index) => batch.done(index));
    }
    if (write) {
      return memory
        .writeMany(runs.map((run, index) => ({ address: run.physical, data: views[index] as Uint8Array })))
        .map((result) => result.done);
    }
    return memory.readMany(runs.map((run) => ({ address: run.physical, length: run.length }))).map((result, index) => {
      (views[index] as Uint8Array).set(result.data);
      return result.done;
    });
  }

  /** One walk and one physical batch for every request, read into one buffer (batch-results.ts). */
  readBatch(requests: readonly ReadRequest[]): ReadResults {
    const results = ReadResults.reads(requests);
    const buffers = requests.map((_, index) => results.data(index));
    const tally = this.#transfer(requests, buffers, false);
    for (let index = 0; index < results.count; index += 1)
      results.setResult(index, tally.done[index] as number, tally.failed[index] as number);
    return results;
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return this.readBatch(requests).toArray();
  }

  /** Reads into `buffer`, zero where nothing could be read; returns how many bytes from its start were read. */
  readInto(address: Address, buffer: Uint8Array): number {
    if (buffer.length === 0) return 0;
    buffer.fill(0);
    return this.#transfer([{ address, length: buffer.length }], [buffer], false).prefix[0] as number;
  }

  read(address: Address, length: number): Uint8Array {
    const [result] = this.readMany([{ address, length }]);
    if (result === undefined || !result.ok)
      throw partialDataError("read from", result?.done ?? 0, length, address, SOURCE, "VirtualMemory");
    return result.data;
  }

  writeBatch(requests: readonly WriteRequest[]): TransferResults {
    const sized = requests.map((request) => ({ address: request.address, length: request.data.length }));
    const tally = this.#transfer(
      sized,
      requests.map((request) => request.data),
      true,
    );
    const results = TransferResults.writes(requests);
    for (let index = 0; index < results.count; index += 1)
      results.setResult(index, tally.done[index] as number, tally.failed[index] as number);
    return results;
  }

  /** writeBatch's one walk and one physical batch, each request's bytes its range of `bytes` (no copy). */
  writeBatchFrom(requests: readonly ReadRequest[], bytes: Uint8Array): TransferResults {
    const results = TransferResults.writesFrom(requests, bytes);
    const ranges = sliceWriteRanges(requests, bytes);
    const tally = this.#transfer(
      requests,
      ranges.map((range) => range.data),
      true,
    );
    for (let index = 0; index < results.count; index += 1)
      results.setResult(index, tally.done[index] as number, tally.failed[index] as number);
    return results;
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    return [...this.writeBatch(requests)];
  }

  write(address: Address, bytes: Uint8Array): void {
    const [result] = this.writeMany([{ address, data: bytes }]);
    if (result && !result.ok)
      throw partialDataError("written to", result.done, bytes.length, address, SOURCE, "VirtualMemory");
  }

  // The address space's VirtualTranslate (page-map.ts).

  virtToPhys(address: Address): PhysicalAddress {
    return this.#translate.virtToPhys(address);
  }

  virtPageInfo(address: Address): Page {
    return this.#translate.virtPageInfo(address);
  }

  virtToPhysList(ranges: readonly { address: Address; size: Address }[]): {
    translations: VirtualTranslation[];
    failures: VirtualTranslationFailure[];
  } {
    return this.#translate.virtToPhysList(ranges);
  }

  virtToPhysRange(start: Address, end: Address): VirtualTranslation[] {
    return this.#translate.virtToPhysRange(start, end);
  }

  virtTranslationMap(start?: Address, end?: Address): VirtualTranslation[] {
    return this.#translate.virtTranslationMap(start, end);
  }

  virtPageMap(gapSize: number | bigint, start?: Address, end?: Address): MemoryRange[] {
    return this.#translate.virtPageMap(gapSize, start, end);
  }

  physToVirt(physical: Address): bigint | undefined {
    return this.#translate.physToVirt(physical);
  }
}

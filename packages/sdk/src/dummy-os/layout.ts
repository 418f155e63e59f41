/**
 * What a seed lays out (native/dummy-os.md "Physical layout", "Address spaces", "The seed"): the
 * kernel's and each process's address space, their modules, page tables and contents, drawn in
 * the contract's order from one random stream, so that the TypeScript dummy OS writes the native
 * one's memory byte for byte. `layOut` returns the spaces and the writes that put them in memory.
 */
import { MemflowError, type WriteRequest } from "@memflow-ts/core";
import { dummyOsBytes, dummyOsRegions, GIB1, KIB4, MIB2 } from "./content.ts";
import { PageTables, PTE } from "./page-tables.ts";
import { DummyOsRandom } from "./random.ts";

const MODULE_STRIDE = 0x10_0000n;
/** Module pages below this offset are code: leaf RW and NX clear. */
const CODE_END = 0x4000;
const KERNEL_BASE = 0xffff_f800_0000_0000n;
const PROCESS_BASE = 0x1_0000_0000n;
/** 2 GiB-aligned process bases in [4 GiB, 16 TiB). */
const PROCESS_SLOTS = 8190;

export interface DummyModule {
  readonly base: bigint;
  readonly size: bigint;
  /** The one unmapped page. */
  readonly hole: bigint;
  readonly name: string;
  readonly path: string;
  readonly exports: number;
  readonly imports: number;
}

/** An address space: the kernel's (pid 0) or a process's. */
export interface DummySpace {
  readonly pid: number;
  /** The PML4's physical address. */
  readonly dtb: bigint;
  readonly base: bigint;
  readonly modules: readonly DummyModule[];
  readonly name: string;
  readonly path: string;
  readonly commandLine: string;
}

export interface DummyLayout {
  readonly kernel: DummySpace;
  readonly processes: readonly DummySpace[];
  /** Tables and contents, each frame written whole; the rest of memory is left as it was. */
  readonly writes: readonly WriteRequest[];
}

const KERNEL_MODULES = [
  ["dummy-kernel", "/boot/dummy-kernel"],
  ["dummy-driver", "/lib/modules/dummy-driver.ko"],
] as const;
const LIBRARIES = ["libc.so.6", "libm.so.6", "libdummy.so"] as const;

class Builder {
  readonly random: DummyOsRandom;
  readonly tables: PageTables;
  readonly contents: WriteRequest[] = [];
  readonly #seed: bigint;
  #nextFrame = BigInt(KIB4);
  readonly #frameLimit: bigint;

  constructor(seed: bigint, frameLimit: bigint) {
    this.random = new DummyOsRandom(seed);
    this.#seed = seed;
    this.#frameLimit = frameLimit;
    this.tables = new PageTables(() => this.frame());
  }

  /** A 4 KiB frame from the pool, after skipping 0 or 1 frames (neighbours in virtual memory are not in physical). */
  frame(): bigint {
    const at = this.#nextFrame + BigInt(KIB4 * this.random.below(2));
    if (at + BigInt(KIB4) > this.#frameLimit)
      throw new MemflowError(
        "ArgsValidator",
        "ArgValidation",
        "the memory cannot hold the dummy OS's layout: ask for fewer procs or more size",
      );
    this.#nextFrame = at + BigInt(KIB4);
    return at;
  }

  /** The contents of [address, +length) of `pid` at physical `frame`. */
  fill(pid: number, address: bigint, frame: bigint, length: number): void {
    this.contents.push({ address: frame, data: dummyOsBytes(this.#seed, pid, address, length) });
  }

  /** Draws module `index`'s shape and maps its pages but the hole, in address order. */
  module(pid: number, dtb: bigint, spaceBase: bigint, index: number, name: string, path: string): DummyModule {
    const pages = 8 + this.random.below(8);
    const base = spaceBase + BigInt(index) * MODULE_STRIDE;
    const hole = base + BigInt(Math.floor(pages / 2) * KIB4);
    const exports = 2 + this.random.below(4);
    const imports = 1 + this.random.below(3);
    const user = pid !== 0 ? PTE.USER : 0n;
    for (let page = 0; page < pages; page += 1) {
      const address = base + BigInt(page * KIB4);
      if (address === hole) continue;
      const flags = user | (page * KIB4 < CODE_END ? 0n : PTE.WRITABLE | PTE.NO_EXECUTE);
      const frame = this.frame();
      this.tables.map(dtb, address, frame, KIB4, flags);
      this.fill(pid, address, frame, KIB4);
    }
    return { base, size: BigInt(pages * KIB4), hole, name, path, exports, imports };
  }
}

function buildKernel(builder: Builder): DummySpace {
  const base = KERNEL_BASE + BigInt(builder.random.below(256)) * BigInt(GIB1);
  const dtb = builder.tables.table();
  const modules = KERNEL_MODULES.map(([name, path], index) => builder.module(0, dtb, base, index, name, path));
  return { pid: 0, dtb, base, modules, name: "", path: "", commandLine: "" };
}

/** Process `index` (pid index + 1); `heap` / `huge` are its large frames, when it has them. */
function buildProcess(
  builder: Builder,
  seed: bigint,
  earlier: readonly DummySpace[],
  index: number,
  heap: bigint | undefined,
  huge: bigint | undefined,
): DummySpace {
  const pid = index + 1;
  let base: bigint;
  do base = PROCESS_BASE + BigInt(builder.random.below(PROCESS_SLOTS)) * 2n * BigInt(GIB1);
  while (earlier.some((other) => other.base === base));
  const name = `dummy${pid}`;
  const path = `/usr/bin/dummy${pid}`;
  const dtb = builder.tables.table();
  const count = 2 + builder.random.below(3);
  const modules = [builder.module(pid, dtb, base, 0, name, path)];
  for (const [offset, library] of LIBRARIES.slice(0, count - 1).entries())
    modules.push(builder.module(pid, dtb, base, offset + 1, library, `/usr/lib/${library}`));
  const data = PTE.USER | PTE.WRITABLE | PTE.NO_EXECUTE;
  const regions = dummyOsRegions(base);
  if (heap !== undefined) {
    builder.tables.map(dtb, regions.heap, heap, MIB2, data);
    builder.fill(pid, regions.heap, heap, MIB2);
  }
  if (huge !== undefined) {
    // Only the first and the last 4 KiB of the gigabyte hold contents (the rest is left as it was).
    const last = BigInt(GIB1 - KIB4);
    builder.tables.map(dtb, regions.huge, huge, GIB1, data);
    builder.fill(pid, regions.huge, huge, KIB4);
    builder.fill(pid, regions.huge + last, huge + last, KIB4);
  }
  return { pid, dtb, base, modules, name, path, commandLine: `${path} --seed ${seed}` };
}

/**
 * Lays out the kernel and `count` processes in physical memory [0, size). The low gigabyte (or
 * all of a smaller memory) is cut into 2 MiB blocks: process i < blocks / 2 gets block
 * (blocks − 1 − i) as its 2 MiB page, and the 4 KiB pool is what lies below the lowest such block.
 * Process i gets gigabyte i + 1 as its 1 GiB page when memory reaches 1 GiB past it. Throws
 * (ArgsValidator, ArgValidation) when the pool runs out.
 */
export function layOut(size: bigint, count: number, seed: bigint): DummyLayout {
  const low = size < BigInt(GIB1) ? size & ~BigInt(KIB4 - 1) : BigInt(GIB1);
  const blocks = Number(low / BigInt(MIB2));
  const heaps = Math.min(count, Math.floor(blocks / 2));
  const builder = new Builder(seed, heaps > 0 ? BigInt((blocks - heaps) * MIB2) : low);
  const kernel = buildKernel(builder);
  const processes: DummySpace[] = [];
  for (let index = 0; index < count; index += 1) {
    const heap = index < heaps ? BigInt((blocks - 1 - index) * MIB2) : undefined;
    const huge = BigInt(index + 2) * BigInt(GIB1) <= size ? BigInt(index + 1) * BigInt(GIB1) : undefined;
    processes.push(buildProcess(builder, seed, processes, index, heap, huge));
  }
  return { kernel, processes, writes: [...builder.tables.writes(), ...builder.contents] };
}

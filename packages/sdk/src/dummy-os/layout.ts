/**
 * What a seed lays out (native/dummy-os.md "Physical layout", "Address spaces", "The seed"): the
 * kernel's and each process's address space, their modules, page tables and contents, each space
 * drawn from its own stream seeded from (seed, pid), so that the TypeScript dummy OS writes the
 * native one's memory byte for byte. `layOut` draws every space's shape and reserves its frames
 * (no memory is written); `buildSpace` gives the writes that put one space in memory, done for
 * the kernel at once and for a process when it is first opened.
 */
import { MemflowError, type WriteRequest } from "@memflow-ts/core";
import { dummyOsBytes, dummyOsRegions, dummyOsWord, GIB1, KIB4, MIB2 } from "./content.ts";
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

/** What a space is before its frames are reserved: drawn from its stream, named, given its large frames. */
interface SpaceShape {
  readonly pid: number;
  readonly base: bigint;
  readonly modules: readonly DummyModule[];
  readonly name: string;
  readonly path: string;
  readonly commandLine: string;
  /** The 2 MiB and 1 GiB pages' frames, when the space has them. */
  readonly heapFrame: bigint | undefined;
  readonly hugeFrame: bigint | undefined;
}

/** An address space: the kernel's (pid 0) or a process's. */
export interface DummySpace extends SpaceShape {
  /** The PML4's physical address. */
  readonly dtb: bigint;
  /** The space's stream where its frame draws start, and where its frames start in the pool. */
  readonly frameDraws: DummyOsRandom;
  readonly firstFrame: bigint;
}

export interface DummyLayout {
  readonly kernel: DummySpace;
  readonly processes: readonly DummySpace[];
}

const KERNEL_MODULES = [
  ["dummy-kernel", "/boot/dummy-kernel"],
  ["dummy-driver", "/lib/modules/dummy-driver.ko"],
] as const;
const LIBRARIES = ["libc.so.6", "libm.so.6", "libdummy.so"] as const;

/** The 4 KiB frame pool: a cursor and a limit; the draws come from the space being laid out. */
class FramePool {
  #next: bigint;
  readonly #limit: bigint;

  constructor(first: bigint, limit: bigint) {
    this.#next = first;
    this.#limit = limit;
  }

  get next(): bigint {
    return this.#next;
  }

  /** A 4 KiB frame, after skipping 0 or 1 frames (neighbours in virtual memory are not in physical). */
  take(random: DummyOsRandom): bigint {
    const at = this.#next + BigInt(KIB4 * random.below(2));
    if (at + BigInt(KIB4) > this.#limit)
      throw new MemflowError(
        "ArgsValidator",
        "ArgValidation",
        "the memory cannot hold the dummy OS's layout: ask for fewer procs or more size",
      );
    this.#next = at + BigInt(KIB4);
    return at;
  }
}

/**
 * The tables of a space: its modules lie in [base, base + 4 MiB) with a 2 GiB-aligned process
 * base (a GiB-aligned kernel one), and its 2 MiB and 1 GiB pages sit in the same PD and PDPT, so
 * it needs a PML4, a PDPT, a PD and one PT per 2 MiB of modules.
 */
function tableCount(moduleCount: number): number {
  return 3 + Math.ceil(moduleCount / 2);
}

function frameCount(modules: readonly DummyModule[]): number {
  return modules.reduce((frames, module) => frames + Number(module.size) / KIB4 - 1, tableCount(modules.length));
}

/** Draws module `index`'s shape: its size, exports and imports. */
function drawModule(random: DummyOsRandom, spaceBase: bigint, index: number, name: string, path: string): DummyModule {
  const pages = 8 + random.below(8);
  const base = spaceBase + BigInt(index) * MODULE_STRIDE;
  const hole = base + BigInt(Math.floor(pages / 2) * KIB4);
  const exports = 2 + random.below(4);
  const imports = 1 + random.below(3);
  return { base, size: BigInt(pages * KIB4), hole, name, path, exports, imports };
}

/** Reserves the space's frames at the pool's cursor (tables first, then module pages); its dtb is the first. */
function reserveFrames(pool: FramePool, shape: SpaceShape, random: DummyOsRandom): DummySpace {
  const frameDraws = random.copy();
  const firstFrame = pool.next;
  const dtb = pool.take(random);
  for (let frame = 1; frame < frameCount(shape.modules); frame += 1) pool.take(random);
  return { ...shape, dtb, frameDraws, firstFrame };
}

/** Each space's own stream: seeded from (seed, pid) by the content function. */
function spaceRandom(seed: bigint, pid: number): DummyOsRandom {
  return new DummyOsRandom(dummyOsWord(seed, pid, 0n));
}

function planKernel(pool: FramePool, seed: bigint): DummySpace {
  const random = spaceRandom(seed, 0);
  const base = KERNEL_BASE + BigInt(random.below(256)) * BigInt(GIB1);
  const modules = KERNEL_MODULES.map(([name, path], index) => drawModule(random, base, index, name, path));
  const shape = {
    pid: 0,
    base,
    modules,
    name: "",
    path: "",
    commandLine: "",
    heapFrame: undefined,
    hugeFrame: undefined,
  };
  return reserveFrames(pool, shape, random);
}

/** Process `index` (pid index + 1): its info and shape; `heapFrame` / `hugeFrame` are its large frames, when it has them. */
function planProcess(
  pool: FramePool,
  seed: bigint,
  taken: Set<bigint>,
  index: number,
  heapFrame: bigint | undefined,
  hugeFrame: bigint | undefined,
): DummySpace {
  const pid = index + 1;
  const random = spaceRandom(seed, pid);
  let base: bigint;
  do base = PROCESS_BASE + BigInt(random.below(PROCESS_SLOTS)) * 2n * BigInt(GIB1);
  while (taken.has(base));
  taken.add(base);
  const name = `dummy${pid}`;
  const path = `/usr/bin/dummy${pid}`;
  const count = 2 + random.below(3);
  const modules = [drawModule(random, base, 0, name, path)];
  for (const [offset, library] of LIBRARIES.slice(0, count - 1).entries())
    modules.push(drawModule(random, base, offset + 1, library, `/usr/lib/${library}`));
  const commandLine = `${path} --seed ${seed}`;
  return reserveFrames(pool, { pid, base, modules, name, path, commandLine, heapFrame, hugeFrame }, random);
}

/**
 * The writes that put `space` in memory: its tables (each frame whole) and its contents, from
 * its reserved frames; the rest of memory is left as it was.
 */
export function buildSpace(space: DummySpace, seed: bigint): WriteRequest[] {
  const random = space.frameDraws.copy();
  const pool = new FramePool(space.firstFrame, 1n << 64n);
  const reserved = Array.from({ length: tableCount(space.modules.length) }, () => pool.take(random));
  const tables = new PageTables(() => {
    const frame = reserved.shift();
    // The geometry above fixes the count; a mapping that needs another table is a bug here.
    if (frame === undefined) throw new RangeError(`dummy OS: space ${space.pid} needs more page tables`);
    return frame;
  });
  const contents: WriteRequest[] = [];
  const fill = (address: bigint, frame: bigint, length: number) =>
    contents.push({ address: frame, data: dummyOsBytes(seed, space.pid, address, length) });
  const dtb = tables.table();
  const user = space.pid !== 0 ? PTE.USER : 0n;
  for (const module of space.modules) {
    for (let page = 0; page < Number(module.size) / KIB4; page += 1) {
      const address = module.base + BigInt(page * KIB4);
      if (address === module.hole) continue;
      const flags = user | (page * KIB4 < CODE_END ? 0n : PTE.WRITABLE | PTE.NO_EXECUTE);
      const frame = pool.take(random);
      tables.map(dtb, address, frame, KIB4, flags);
      fill(address, frame, KIB4);
    }
  }
  const data = PTE.USER | PTE.WRITABLE | PTE.NO_EXECUTE;
  const regions = dummyOsRegions(space.base);
  if (space.heapFrame !== undefined) {
    tables.map(dtb, regions.heap, space.heapFrame, MIB2, data);
    fill(regions.heap, space.heapFrame, MIB2);
  }
  if (space.hugeFrame !== undefined) {
    // Only the first and the last 4 KiB of the gigabyte hold contents (the rest is left as it was).
    const last = BigInt(GIB1 - KIB4);
    tables.map(dtb, regions.huge, space.hugeFrame, GIB1, data);
    fill(regions.huge, space.hugeFrame, KIB4);
    fill(regions.huge + last, space.hugeFrame + last, KIB4);
  }
  return [...tables.writes(), ...contents];
}

/**
 * Lays out the kernel and `count` processes in physical memory [0, size). The low gigabyte (or
 * all of a smaller memory) is cut into 2 MiB blocks: process i < blocks / 2 gets block
 * (blocks − 1 − i) as its 2 MiB page, and the 4 KiB pool is what lies below the lowest such block.
 * Process i gets gigabyte i + 1 as its 1 GiB page when memory reaches 1 GiB past it. Every space's
 * frames are reserved here: throws (ArgsValidator, ArgValidation) when the pool runs out.
 */
export function layOut(size: bigint, count: number, seed: bigint): DummyLayout {
  const low = size < BigInt(GIB1) ? size & ~BigInt(KIB4 - 1) : BigInt(GIB1);
  const blocks = Number(low / BigInt(MIB2));
  const heaps = Math.min(count, Math.floor(blocks / 2));
  const pool = new FramePool(BigInt(KIB4), heaps > 0 ? BigInt((blocks - heaps) * MIB2) : low);
  const kernel = planKernel(pool, seed);
  const taken = new Set<bigint>();
  const processes: DummySpace[] = [];
  for (let index = 0; index < count; index += 1) {
    const heap = index < heaps ? BigInt((blocks - 1 - index) * MIB2) : undefined;
    const huge = BigInt(index + 2) * BigInt(GIB1) <= size ? BigInt(index + 1) * BigInt(GIB1) : undefined;
    processes.push(planProcess(pool, seed, taken, index, heap, huge));
  }
  return { kernel, processes };
}

/**
 * Writes page tables into a test's physical memory (a Uint8Array), for the translation tests of
 * every architecture: map 4 KiB pages and large ones, leave holes, write raw entries (not present,
 * pointing outside memory). Entry encodings are written here from the architecture manuals, apart
 * from the walker's own (src/os/translate/page-table-format.ts), so the tests check one against
 * the other. Also a memory over the Uint8Array that counts the batched reads it serves.
 */
import type { BatchedPhysicalMemory } from "../../src/os/translate/page-walk.ts";
import { ScriptConnector } from "../../src/script/script-connector.ts";

export type TableArch = "x64" | "x64-la57" | "x86" | "x86-pae" | "aarch64";

/** Index shifts from the root down, entry size, and the levels that may hold a large page. */
export const LAYOUTS: Record<TableArch, { shifts: number[]; bits: number[]; entry: 4 | 8; large: number[] }> = {
  x64: { shifts: [39, 30, 21, 12], bits: [9, 9, 9, 9], entry: 8, large: [1, 2] },
  "x64-la57": { shifts: [48, 39, 30, 21, 12], bits: [9, 9, 9, 9, 9], entry: 8, large: [2, 3] },
  x86: { shifts: [22, 12], bits: [10, 10], entry: 4, large: [0] },
  "x86-pae": { shifts: [30, 21, 12], bits: [2, 9, 9], entry: 8, large: [1] },
  aarch64: { shifts: [39, 30, 21, 12], bits: [9, 9, 9, 9], entry: 8, large: [1, 2] },
};

export interface PageFlags {
  readonly writeable?: boolean;
  readonly noExecute?: boolean;
}

export class PageTableWriter {
  readonly memory: Uint8Array;
  readonly arch: TableArch;
  readonly root: number;
  readonly #view: DataView;
  #next: number;

  /** Tables are allocated from `tablesFrom` upward, 4 KiB each. */
  constructor(memory: Uint8Array, arch: TableArch, tablesFrom: number) {
    this.memory = memory;
    this.arch = arch;
    this.#view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
    this.#next = tablesFrom;
    this.root = this.allocateTable();
  }

  allocateTable(): number {
    const address = this.#next;
    this.#next += 4096;
    if (this.#next > this.memory.length) throw new Error("test memory too small for the tables");
    this.memory.fill(0, address, address + 4096);
    return address;
  }

  /** Where the entry for `virtual` at `level` lives in the table at `table`. */
  entryAddress(table: number, virtual: bigint, level: number): number {
    const layout = LAYOUTS[this.arch];
    const index = Number(
      (virtual >> BigInt(layout.shifts[level] ?? 0)) & ((1n << BigInt(layout.bits[level] ?? 0)) - 1n),
    );
    return table + index * layout.entry;
  }

  readEntry(address: number): bigint {
    return LAYOUTS[this.arch].entry === 4
      ? BigInt(this.#view.getUint32(address, true))
      : this.#view.getBigUint64(address, true);
  }

  writeEntry(address: number, value: bigint): void {
    if (LAYOUTS[this.arch].entry === 4) this.#view.setUint32(address, Number(value & 0xffff_ffffn), true);
    else this.#view.setBigUint64(address, value, true);
  }

  /** A table entry: present, pointing at `table`. */
  tableEntry(table: number, level: number): bigint {
    if (this.arch === "aarch64") return BigInt(table) | 0b11n;
    // PAE's PDPT entries have no R/W bit; everything else is present and writeable.
    return BigInt(table) | (this.arch === "x86-pae" && level === 0 ? 1n : 0b11n);
  }

  /** A page (or block) entry mapping `physical` at `level`. */
  pageEntry(physical: bigint, level: number, flags: PageFlags = {}): bigint {
    const writeable = flags.writeable ?? true;
    const last = level === LAYOUTS[this.arch].shifts.length - 1;
    if (this.arch === "aarch64") {
      const kind = last ? 0b11n : 0b01n;
      return physical | kind | (1n << 10n) | (writeable ? 0n : 1n << 7n) | (flags.noExecute ? 1n << 54n : 0n);
    }
    const large = last ? 0n : 0x80n;
    return physical | 1n | (writeable ? 2n : 0n) | large | (flags.noExecute ? 1n << 63n : 0n);
  }

  /** Whether a present entry at `level` maps a page (so it is no table to go through). */
  #mapsPage(entry: bigint, level: number): boolean {
    if (this.arch === "aarch64") return (entry & 2n) === 0n;
    return (entry & 0x80n) !== 0n && LAYOUTS[this.arch].large.includes(level);
  }

  /** The table at `level` on the way to `virtual`, creating missing ones (and replacing a large page in the way); `level` 0 is the root. */
  tableFor(virtual: bigint, level: number): number {
    let table = this.root;
    for (let step = 0; step < level; step += 1) {
      const at = this.entryAddress(table, virtual, step);
      const entry = this.readEntry(at);
      if ((entry & 1n) === 0n || this.#mapsPage(entry, step)) {
        const created = this.allocateTable();
        this.writeEntry(at, this.tableEntry(created, step));
        table = created;
      } else {
        table = Number(entry & 0x000f_ffff_ffff_f000n);
      }
    }
    return table;
  }

  /** Maps the page at `virtual` (size given by `level`: the last level is 4 KiB) to `physical`. */
  map(virtual: bigint, physical: bigint, level = LAYOUTS[this.arch].shifts.length - 1, flags: PageFlags = {}): void {
    const table = this.tableFor(virtual, level);
    this.writeEntry(this.entryAddress(table, virtual, level), this.pageEntry(physical, level, flags));
  }

  /** Writes a raw entry on the way to `virtual` at `level` (creating the tables above it). */
  setRaw(virtual: bigint, level: number, value: bigint): void {
    const table = this.tableFor(virtual, level);
    this.writeEntry(this.entryAddress(table, virtual, level), value);
  }
}

/** xorshift32: the same numbers for the same seed, for tables and addresses a failure can be replayed from. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * Physical memory over `bytes` (a real ScriptConnector), counting the batched calls it serves;
 * with `run` false it offers only PhysicalMemory's readMany, as a memory without batches would.
 */
export function countingMemory(bytes: Uint8Array, run = true): BatchedPhysicalMemory & { batches: number } {
  const connector = ScriptConnector.create({
    name: "tables",
    version: "0",
    description: "page tables of a test",
    create: () => ({
      metadata: () => ({ realSize: bytes.length }),
      read(address, buffer) {
        if (address >= BigInt(bytes.length)) return 0;
        const start = Number(address);
        const part = bytes.subarray(start, Math.min(bytes.length, start + buffer.length));
        buffer.set(part);
        return part.length;
      },
      write(address, data) {
        if (address >= BigInt(bytes.length)) return 0;
        const start = Number(address);
        const length = Math.min(data.length, bytes.length - start);
        bytes.set(data.subarray(0, length), start);
        return length;
      },
    }),
  });
  const memory = {
    batches: 0,
    metadata: () => connector.metadata(),
    read: (address: number | bigint, length: number) => connector.read(address, length),
    readInto: (address: number | bigint, buffer: Uint8Array) => connector.readInto(address, buffer),
    readMany: (requests: Parameters<ScriptConnector["readMany"]>[0]) => {
      memory.batches += 1;
      return connector.readMany(requests);
    },
    readBatch: (requests: Parameters<ScriptConnector["readBatch"]>[0]) => {
      memory.batches += 1;
      return connector.readBatch(requests);
    },
    write: (address: number | bigint, data: Uint8Array) => connector.write(address, data),
    writeMany: (requests: Parameters<ScriptConnector["writeMany"]>[0]) => {
      memory.batches += 1;
      return connector.writeMany(requests);
    },
    writeBatch: (requests: Parameters<ScriptConnector["writeBatch"]>[0]) => {
      memory.batches += 1;
      return connector.writeBatch(requests);
    },
    writeBatchFrom: (requests: Parameters<ScriptConnector["writeBatchFrom"]>[0], bytes: Uint8Array) => {
      memory.batches += 1;
      return connector.writeBatchFrom(requests, bytes);
    },
  };
  if (!run) return memory;
  return Object.assign(memory, {
    run: (batch: Parameters<ScriptConnector["run"]>[0], write?: boolean) => {
      memory.batches += 1;
      connector.run(batch, write);
    },
  });
}

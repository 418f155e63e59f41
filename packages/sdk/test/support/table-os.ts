/**
 * A small OS layer written in TypeScript, for tests: at start it writes a process table into
 * the input connector's physical memory (`procs` processes of `pages` 4 KiB pages each, every
 * byte of a process its pid plus its offset), and from then on reads the table back from that
 * memory, as a real OS layer reads kernel structures. A process's virtual memory is its one
 * range, mapped linearly onto its physical pages; the rest of the address space is unmapped.
 * Process 1 (a second "shell") is dead, so lookups by name must skip it.
 */
import {
  type Address,
  ArgsValidator,
  type AuthorMemory,
  type Connector,
  defineOs,
  INVALID_ADDRESS,
  MemflowError,
  type ModuleInfo,
  type ProcessInfo,
  type ProcessState,
  type ReadRequest,
  type ReadResult,
  type TransferResult,
  type WriteRequest,
} from "@memflow-ts/core";

const MAGIC = 0x454c_4241_5446_4d4dn; // "MMFTABLE", little-endian
const HEADER = 16;
const ENTRY = 64;
const PAGE = 0x1000;
const X64 = { kind: "X86", bits: 64, addressExtensions: false } as const;
/** Where each process's range starts in its address space. */
export const TABLE_VIRTUAL_BASE = 0x7ff6_0000_0000n;
export const TABLE_KERNEL_BASE = 0xffff_f800_0000_0000n;

/** The processes `create` lays out: pids from 100, named init, shell, shell, worker3, worker4, … */
export function tableProcessName(index: number): string {
  if (index === 0) return "init";
  return index <= 2 ? "shell" : `worker${index}`;
}

interface Entry {
  readonly info: ProcessInfo;
  readonly physical: bigint;
  readonly size: bigint;
}

function readEntries(memory: Connector): Entry[] {
  const header = new DataView(memory.read(0, HEADER).buffer);
  if (header.getBigUint64(0, true) !== MAGIC)
    throw new MemflowError("OsLayer", "Offset", "no process table at physical address 0");
  const count = header.getUint32(8, true);
  const table = new DataView(memory.read(HEADER, count * ENTRY).buffer);
  return Array.from({ length: count }, (_, index) => {
    const at = index * ENTRY;
    const nameBytes = new Uint8Array(table.buffer, at + 32, 32);
    const name = new TextDecoder().decode(nameBytes.subarray(0, Math.max(0, nameBytes.indexOf(0))));
    const pid = table.getUint32(at, true);
    const exitCode = table.getInt32(at + 4, true);
    const physical = table.getBigUint64(at + 16, true);
    const state: ProcessState = exitCode === 0 ? { kind: "Alive" } : { kind: "Dead", exitCode };
    const info: ProcessInfo = Object.freeze({
      address: BigInt(HEADER + at),
      pid,
      state,
      name,
      path: `/bin/${name}`,
      commandLine: `/bin/${name} --pid ${pid}`,
      sysArch: X64,
      procArch: X64,
      dtb1: physical,
      dtb2: INVALID_ADDRESS,
    });
    return { info, physical, size: table.getBigUint64(at + 24, true) };
  });
}

function writeTable(memory: Connector, procs: number, pages: number): void {
  const size = pages * PAGE;
  const table = new DataView(new ArrayBuffer(HEADER + procs * ENTRY));
  table.setBigUint64(0, MAGIC, true);
  table.setUint32(8, procs, true);
  const firstPage = Math.ceil(table.byteLength / PAGE) * PAGE;
  for (let index = 0; index < procs; index += 1) {
    const at = HEADER + index * ENTRY;
    const pid = 100 + index;
    const physical = firstPage + index * size;
    table.setUint32(at, pid, true);
    table.setInt32(at + 4, index === 1 ? 3 : 0, true);
    table.setBigUint64(at + 8, TABLE_VIRTUAL_BASE, true);
    table.setBigUint64(at + 16, BigInt(physical), true);
    table.setBigUint64(at + 24, BigInt(size), true);
    new Uint8Array(table.buffer).set(new TextEncoder().encode(tableProcessName(index)), at + 32);
    memory.write(
      physical,
      Uint8Array.from({ length: size }, (_, offset) => (pid + offset) & 0xff),
    );
  }
  memory.write(0, new Uint8Array(table.buffer));
}

/** One process's virtual memory: [TABLE_VIRTUAL_BASE, +size) onto its physical pages. */
class TableMemory implements AuthorMemory {
  readonly #physical: Connector;
  readonly #entry: Entry;

  constructor(physical: Connector, entry: Entry) {
    this.#physical = physical;
    this.#entry = entry;
  }

  /** The mapped part at the start of [address, address+length): its physical address and length. */
  #mapped(address: Address, length: number): { physical: bigint; length: number } {
    const offset = BigInt(address) - TABLE_VIRTUAL_BASE;
    if (offset < 0n || offset >= this.#entry.size) return { physical: 0n, length: 0 };
    return { physical: this.#entry.physical + offset, length: Math.min(length, Number(this.#entry.size - offset)) };
  }

  readInto(address: Address, buffer: Uint8Array): number {
    buffer.fill(0);
    const mapped = this.#mapped(address, buffer.length);
    return mapped.length === 0 ? 0 : this.#physical.readInto(mapped.physical, buffer.subarray(0, mapped.length));
  }

  read(address: Address, length: number): Uint8Array {
    const buffer = new Uint8Array(length);
    const done = this.readInto(address, buffer);
    if (done !== length)
      throw new MemflowError("VirtualMemory", "PartialData", `${length - done} of ${length} bytes are not mapped`);
    return buffer;
  }

  readMany(requests: readonly ReadRequest[]): ReadResult[] {
    return requests.map(({ address, length }) => {
      const data = new Uint8Array(length);
      const done = this.readInto(address, data);
      return { address: BigInt(address), data, done, failed: length - done, ok: done === length };
    });
  }

  writeMany(requests: readonly WriteRequest[]): TransferResult[] {
    return requests.map(({ address, data }) => {
      const mapped = this.#mapped(address, data.length);
      if (mapped.length > 0) this.#physical.write(mapped.physical, data.subarray(0, mapped.length));
      return { done: mapped.length, failed: data.length - mapped.length, ok: mapped.length === data.length };
    });
  }

  write(address: Address, bytes: Uint8Array): void {
    const [result] = this.writeMany([{ address, data: bytes }]);
    if (!result?.ok) throw new MemflowError("VirtualMemory", "PartialData", "part of the range is not mapped");
  }
}

function moduleOf(info: ProcessInfo, size: bigint): ModuleInfo {
  return Object.freeze({
    address: TABLE_VIRTUAL_BASE,
    parentProcess: info.address,
    base: TABLE_VIRTUAL_BASE,
    size,
    name: `${info.name}.bin`,
    path: `${info.path}.bin`,
    arch: X64,
  });
}

const KERNEL: ModuleInfo = Object.freeze({
  address: TABLE_KERNEL_BASE,
  parentProcess: 0n,
  base: TABLE_KERNEL_BASE,
  size: 0x10_0000n,
  name: "kernel.sys",
  path: "/boot/kernel.sys",
  arch: X64,
});

export const tableOs = defineOs({
  name: "table",
  version: "0.1.0",
  description: "processes mapped by a table in physical memory (a test OS layer in TypeScript)",
  help: "table: procs=<n> processes (default 3) of pages=<n> 4 KiB pages (default 2)",
  args: new ArgsValidator()
    .arg({ name: "procs", description: "how many processes (decimal)" })
    .arg({ name: "pages", description: "4 KiB pages per process (decimal)" }),
  create(input, args) {
    if (input === undefined)
      throw new MemflowError("OsLayer", "Configuration", "the table OS needs a connector to read its table from");
    const connector = input;
    writeTable(connector, Number(args.extraArgs.get("procs") ?? "3"), Number(args.extraArgs.get("pages") ?? "2"));
    const entryOf = (info: ProcessInfo) => {
      const entry = readEntries(connector).find((candidate) => candidate.info.address === info.address);
      if (entry === undefined) throw new MemflowError("OsLayer", "ProcessNotFound", `no process at ${info.address}`);
      return entry;
    };
    return {
      info: () => ({ base: KERNEL.base, size: KERNEL.size, arch: X64 }),
      processInfoList: () => readEntries(connector).map((entry) => entry.info),
      process(info) {
        const entry = entryOf(info);
        const module = moduleOf(entry.info, entry.size);
        return {
          memory: new TableMemory(connector, entry),
          moduleList: () => [module],
          moduleExportList: () => [
            { name: "entry", offset: 0x10n },
            { name: "data", offset: 0x800n },
          ],
          moduleImportList: () => [{ name: "puts", offset: 0x20n }],
          moduleSectionList: () => [
            { name: ".text", base: module.base, size: 0x1000n },
            { name: ".data", base: module.base + 0x1000n, size: module.size - 0x1000n },
          ],
          mappedMemRange: (_gap, start, end) =>
            start < module.base + module.size && end > module.base
              ? [{ address: module.base, size: module.size, pageType: 4 }]
              : [],
        };
      },
      kernel: { moduleList: () => [KERNEL] },
      physicalMemory: () => connector,
    };
  },
});

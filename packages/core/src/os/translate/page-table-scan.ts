/**
 * Every page mapped in a range of an address space, found by reading the page tables top down
 * rather than translating address after address (2^36 pages in a 48-bit space): each level's
 * tables are read whole, all of a level's tables in one physical batch, and only the entries that
 * cover the range are followed. What `virtToPhysRange`, the translation map and the page map of
 * a VirtualMemory are made of.
 */
import type { PhysicalMemory } from "../../memory/physical-memory.ts";
import { TransferBatch } from "../../memory/transfer-batch.ts";
import { ENTRY, type PageTableFormat, pageTypeOf } from "./page-table-format.ts";
import type { BatchedPhysicalMemory, WalkRoots } from "./page-walk.ts";

/** One mapped page (or large page, or block). */
export interface MappedPage {
  readonly virtual: bigint;
  readonly size: number;
  /** The page's physical base, an exact double. */
  readonly physical: number;
  readonly pageType: number;
}

/** A table to read: where it is, the virtual address of its first entry, which entries, what its parents allowed. */
interface PendingTable {
  readonly physical: number;
  readonly base: bigint;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly writeable: boolean;
  readonly noExecute: boolean;
}

const TWO_32 = 0x1_0000_0000;
const U64 = 0xffff_ffff_ffff_ffffn;

/** Reads every table of a level in one batch; undefined for a table that could not be read whole. */
function readTables(
  memory: BatchedPhysicalMemory,
  tables: readonly PendingTable[],
  size: number,
): (Uint8Array | undefined)[] {
  if (memory.run) {
    const batch = new TransferBatch(tables.length);
    const buffers = tables.map((table) => {
      const buffer = new Uint8Array(size);
      batch.add(table.physical, buffer);
      return buffer;
    });
    memory.run(batch);
    return buffers.map((buffer, index) => (batch.done(index) === size ? buffer : undefined));
  }
  return memory
    .readMany(tables.map((table) => ({ address: table.physical, length: size })))
    .map((result) => (result.ok ? result.data : undefined));
}

/** The virtual address of entry `index` of a root table, sign-extended where the format says so. */
function rootEntryAddress(format: PageTableFormat, index: number, shift: number): bigint {
  const raw = BigInt(index) << BigInt(shift);
  if (!format.signExtended || raw < 1n << BigInt(format.virtualBits - 1)) return raw;
  return (raw | (U64 << BigInt(format.virtualBits))) & U64;
}

/** The root tables: one, or (AArch64) the lower half's and the upper half's. */
function rootTables(format: PageTableFormat, roots: WalkRoots): PendingTable[] {
  const entries = 2 ** (format.levels[0]?.bits ?? 0);
  const whole = { base: 0n, writeable: true, noExecute: false };
  if (!format.splitRoots) return [{ ...whole, physical: roots.lower, firstIndex: 0, lastIndex: entries - 1 }];
  return [
    { ...whole, physical: roots.lower, firstIndex: 0, lastIndex: entries / 2 - 1 },
    { ...whole, physical: roots.upper, firstIndex: entries / 2, lastIndex: entries - 1 },
  ];
}

/** Every page of [start, end) (whole pages, not clipped), in order of virtual address. */
export function scanPages(
  memory: PhysicalMemory | BatchedPhysicalMemory,
  format: PageTableFormat,
  roots: WalkRoots,
  start: bigint,
  end: bigint,
): MappedPage[] {
  const pages: MappedPage[] = [];
  const highMask = format.physicalBits > 32 ? 2 ** (format.physicalBits - 32) - 1 : 0;
  let tables = rootTables(format, roots);
  for (let level = 0; level < format.levels.length && tables.length > 0 && start < end; level += 1) {
    const { shift, bits } = format.levels[level] ?? { shift: 12, bits: 0 };
    const span = 1n << BigInt(shift);
    const read = readTables(memory, tables, 2 ** bits * format.entrySize);
    const next: PendingTable[] = [];
    for (const [tableIndex, table] of tables.entries()) {
      const bytes = read[tableIndex];
      if (bytes === undefined) continue;
      const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let index = table.firstIndex; index <= table.lastIndex; index += 1) {
        const virtual = level === 0 ? rootEntryAddress(format, index, shift) : table.base + BigInt(index) * span;
        if (virtual >= end || virtual + span <= start) continue;
        const low = words.getUint32(index * format.entrySize, true);
        const high = format.entrySize === 8 ? words.getUint32(index * format.entrySize + 4, true) : 0;
        const decoded = format.decode(low, high, level);
        const kind = decoded & ENTRY.KIND;
        if (kind === ENTRY.INVALID) continue;
        const writeable = table.writeable && (decoded & ENTRY.WRITEABLE) !== 0;
        const noExecute = table.noExecute || (decoded & ENTRY.NO_EXECUTE) !== 0;
        const highPart = (high & highMask) * TWO_32;
        if (kind === ENTRY.TABLE) {
          const children = 2 ** (format.levels[level + 1]?.bits ?? 0);
          const physical = highPart + ((low & 0xffff_f000) >>> 0);
          next.push({ physical, base: virtual, firstIndex: 0, lastIndex: children - 1, writeable, noExecute });
        } else {
          // A page is at most 1 GiB: its base keeps the entry's address bits above its size.
          const size = 2 ** shift;
          const physical = highPart + ((low & 0xffff_f000 & ~(size - 1)) >>> 0);
          pages.push({ virtual, size, physical, pageType: pageTypeOf(writeable, noExecute) });
        }
      }
    }
    tables = next;
  }
  return pages.sort((a, b) => (a.virtual < b.virtual ? -1 : a.virtual > b.virtual ? 1 : 0));
}

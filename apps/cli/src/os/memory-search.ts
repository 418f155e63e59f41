/**
 * Searching mapped memory for a byte pattern: the ranges are read in pieces of CHUNK bytes, BATCH
 * of them in one `readMany`, and each piece is searched with the last `pattern.length - 1` bytes of
 * the piece before it when the two touch, so a match across a read boundary (or across two mapped
 * ranges that touch) is found. A piece that is read only in part is read again with
 * `readPartial`, and only its readable runs are searched: the zeros a failed read leaves must
 * not match.
 */
import type { MemoryAccess, MemoryRange } from "@memflow-ts/core/inventory";
import { readPartial } from "../inventory/partial-read.ts";

/** Bytes one read request asks for. */
const CHUNK = 1 << 20;
/** Requests in one batch: 16 MiB held at a time. */
const BATCH = 16;

export interface SearchOptions {
  /** Stop after this many matches. */
  readonly max: number;
  /** Called after each batch with the bytes searched so far. */
  readonly progress?: (searched: bigint) => void;
}

export interface SearchResult {
  readonly matches: bigint[];
  /** True when the search stopped at `max` before the end of the ranges. */
  readonly stopped: boolean;
  /** Bytes that could not be read and were skipped. */
  readonly unreadable: number;
}

interface Piece {
  readonly address: bigint;
  readonly length: number;
}

/** The ranges cut into pieces of at most CHUNK bytes, in address order. */
function* pieces(ranges: readonly MemoryRange[]): Generator<Piece> {
  for (const range of [...ranges].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))) {
    for (let offset = 0n; offset < range.size; offset += BigInt(CHUNK)) {
      const left = range.size - offset;
      yield { address: range.address + offset, length: Number(left < BigInt(CHUNK) ? left : BigInt(CHUNK)) };
    }
  }
}

/** Searches `ranges` of `memory` for `pattern` (not empty). */
export function searchMemory(
  memory: Pick<MemoryAccess, "readMany">,
  ranges: readonly MemoryRange[],
  pattern: Uint8Array,
  options: SearchOptions,
): SearchResult {
  const needle = Buffer.from(pattern);
  const matches: bigint[] = [];
  let unreadable = 0;
  let searched = 0n;
  // The end of the last bytes searched, and the bytes before it a match may start in.
  let carryEnd = -1n;
  let carry = new Uint8Array(0);

  /** Searches readable bytes at `address`; false once `max` matches are found. */
  const scan = (address: bigint, bytes: Uint8Array): boolean => {
    const joined = carryEnd === address && carry.length > 0 ? Buffer.concat([carry, bytes]) : Buffer.from(bytes);
    const start = address - BigInt(joined.length - bytes.length);
    for (let at = joined.indexOf(needle); at !== -1; at = joined.indexOf(needle, at + 1)) {
      matches.push(start + BigInt(at));
      if (matches.length >= options.max) return false;
    }
    // A copy: the next batch may reuse the memory the read returned.
    carry = new Uint8Array(joined.subarray(Math.max(0, joined.length - (pattern.length - 1))));
    carryEnd = address + BigInt(bytes.length);
    return true;
  };

  const all = [...pieces(ranges)];
  for (let first = 0; first < all.length; first += BATCH) {
    const batch = all.slice(first, first + BATCH);
    const results = memory.readMany(batch);
    for (const [index, piece] of batch.entries()) {
      const result = results[index];
      let keepGoing = true;
      if (result?.ok) {
        keepGoing = scan(piece.address, result.data);
      } else {
        const read = readPartial(memory, piece.address, piece.length);
        unreadable += read.missing;
        let from = 0;
        for (const gap of [...read.gaps, { offset: piece.length, length: 0 }]) {
          if (gap.offset > from && keepGoing) {
            keepGoing = scan(piece.address + BigInt(from), read.bytes.subarray(from, gap.offset));
          }
          from = gap.offset + gap.length;
        }
      }
      searched += BigInt(piece.length);
      if (!keepGoing) return { matches, stopped: true, unreadable };
    }
    options.progress?.(searched);
  }
  return { matches, stopped: false, unreadable };
}

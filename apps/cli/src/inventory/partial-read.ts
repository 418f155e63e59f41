/**
 * Reading a range as far as the memory allows (memflow's partial reads). A batch read reports per
 * request how many bytes were read, not which: a connector built on memflow's helpers reports the
 * bytes from the start of a request up to the first it could not read, and everything after as
 * failed. So a request that is partly read is split, at page boundaries first and then in halves,
 * until every piece is read whole or not at all. Whole requests cost one batch per MiB, as before.
 */
import type { MemoryAccess, ReadRequest } from "@memflow-ts/core/inventory";

/** A run of bytes that could not be read, relative to the start of the range. */
export interface Gap {
  readonly offset: number;
  readonly length: number;
}

export interface PartialRead {
  /** The range; bytes that could not be read are zero. */
  readonly bytes: Uint8Array;
  /** The unreadable runs, in order, adjacent ones merged. */
  readonly gaps: readonly Gap[];
  /** How many bytes could not be read. */
  readonly missing: number;
}

/** One batch of reads at most this long: the memory reads it in one call, results in one buffer. */
const CHUNK = 1 << 20;
const PAGE = 0x1000;
/**
 * Pieces a chunk may be split into before a partly read piece counts as unreadable whole: a
 * memory that reads every page in part would otherwise be read a byte at a time.
 */
const MAX_PIECES = 1 << 16;

interface Piece {
  readonly offset: number;
  readonly length: number;
}

/** The parts of a partly read piece: its pages when it spans several, else its halves. */
function split(address: bigint, piece: Piece): Piece[] {
  const start = address + BigInt(piece.offset);
  const firstEnd = Number(BigInt(PAGE) - (start % BigInt(PAGE)));
  if (piece.length > firstEnd) {
    const pieces: Piece[] = [];
    for (let at = 0, size = firstEnd; at < piece.length; at += size, size = PAGE) {
      pieces.push({ offset: piece.offset + at, length: Math.min(size, piece.length - at) });
    }
    return pieces;
  }
  const half = piece.length >> 1;
  return [
    { offset: piece.offset, length: half },
    { offset: piece.offset + half, length: piece.length - half },
  ];
}

/** Reads `[address, address + length)`; the bytes it could not read are reported as gaps. */
export function readPartial(memory: Pick<MemoryAccess, "readMany">, address: bigint, length: number): PartialRead {
  const bytes = new Uint8Array(length);
  const gaps: Gap[] = [];
  const unreadable = (piece: Piece) => {
    const last = gaps.at(-1);
    if (last !== undefined && last.offset + last.length === piece.offset)
      gaps[gaps.length - 1] = { ...last, length: last.length + piece.length };
    else gaps.push(piece);
  };
  for (let chunk = 0; chunk < length; chunk += CHUNK) {
    let pending: Piece[] = [{ offset: chunk, length: Math.min(CHUNK, length - chunk) }];
    let budget = MAX_PIECES;
    const settled: { piece: Piece; readable: boolean }[] = [];
    while (pending.length > 0) {
      const requests: ReadRequest[] = pending.map((piece) => ({
        address: address + BigInt(piece.offset),
        length: piece.length,
      }));
      const results = memory.readMany(requests);
      const next: Piece[] = [];
      for (const [index, piece] of pending.entries()) {
        const result = results[index];
        if (result?.ok) {
          bytes.set(result.data, piece.offset);
          settled.push({ piece, readable: true });
        } else if (result === undefined || result.done === 0 || piece.length === 1 || budget <= 0) {
          settled.push({ piece, readable: false });
        } else {
          const parts = split(address, piece);
          budget -= parts.length;
          next.push(...parts);
        }
      }
      pending = next;
    }
    settled.sort((a, b) => a.piece.offset - b.piece.offset);
    for (const { piece, readable } of settled) if (!readable) unreadable(piece);
  }
  return { bytes, gaps, missing: gaps.reduce((sum, gap) => sum + gap.length, 0) };
}

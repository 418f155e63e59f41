/**
 * Virtual transfers cut into pieces that never cross a 4 KiB boundary (the smallest page of every
 * format here), so each piece has one translation; after the walk, neighbouring pieces of one
 * request that land next to each other in physical memory (the rest of a large page, or pages
 * that happen to be contiguous) are joined again, and the whole batch goes to physical memory as
 * one batch of contiguous runs.
 */
import type { Address } from "../../memory/address.ts";

const PAGE = 4096;
const MAX_EXACT = 2 ** 53;
const END_OF_SPACE = 2n ** 64n;

/** The pieces of a batch of transfers, in request order, as parallel arrays. */
export class VirtualPieces {
  /** Which request each piece belongs to, where in the request it starts, and its length. */
  request: number[] = [];
  offset: number[] = [];
  length: number[] = [];
  /** Each piece's virtual address (a number while exact). */
  virtual: Address[] = [];
  /** Bytes of each request past the end of the 64-bit space: they fail without a translation. */
  beyond: number[] = [];

  /** Cuts each request `[address, address + length)` at 4 KiB boundaries. */
  static of(requests: readonly { readonly address: Address; readonly length: number }[]): VirtualPieces {
    const pieces = new VirtualPieces();
    for (const [index, { address, length }] of requests.entries()) {
      let inSpace = length;
      if (typeof address === "bigint" && address + BigInt(length) > END_OF_SPACE)
        inSpace = Number(END_OF_SPACE - address);
      pieces.beyond.push(length - inSpace);
      const exact = typeof address === "number" && address + length <= MAX_EXACT;
      const start = exact ? (address as number) : BigInt(address);
      let offset = 0;
      while (offset < inSpace) {
        const at = exact ? (start as number) + offset : (start as bigint) + BigInt(offset);
        const intoPage = exact ? (at as number) % PAGE : Number((at as bigint) % BigInt(PAGE));
        const piece = Math.min(PAGE - intoPage, inSpace - offset);
        pieces.request.push(index);
        pieces.offset.push(offset);
        pieces.length.push(piece);
        pieces.virtual.push(at);
        offset += piece;
      }
    }
    return pieces;
  }

  get count(): number {
    return this.request.length;
  }
}

/** A contiguous physical run: which request, where in it, how long, where in physical memory. */
export interface PhysicalRun {
  readonly request: number;
  readonly offset: number;
  readonly length: number;
  readonly physical: number;
}

/**
 * Joins the translated pieces (`physical[i]`, or undefined where piece i did not translate) into
 * physical runs: consecutive pieces of one request that are consecutive in physical memory too.
 */
export function physicalRuns(pieces: VirtualPieces, physical: (piece: number) => number | undefined): PhysicalRun[] {
  const runs: PhysicalRun[] = [];
  let current: { request: number; offset: number; length: number; physical: number } | undefined;
  for (let piece = 0; piece < pieces.count; piece += 1) {
    const at = physical(piece);
    if (at === undefined) {
      current = undefined;
      continue;
    }
    const request = pieces.request[piece] as number;
    const length = pieces.length[piece] as number;
    if (current && current.request === request && current.physical + current.length === at) {
      current.length += length;
      continue;
    }
    current = { request, offset: pieces.offset[piece] as number, length, physical: at };
    runs.push(current);
  }
  return runs;
}

/**
 * What the dummy OS's mapped memory holds and where a process's regions are (native/dummy-os.md
 * "Contents", "Address spaces"): the one statement of both in TypeScript, used by the dummy OS
 * written in TypeScript to fill its pages and by every test that checks either dummy OS.
 */

export const KIB4 = 0x1000;
export const MIB2 = 0x20_0000;
export const GIB1 = 0x4000_0000;

/*
 * The content function works on 64-bit words as two u32 halves: whole pages and 2 MiB heaps are
 * filled when a dummy OS is created, and BigInt arithmetic made that most of the cost of creating one.
 */

/** The word being mixed, [high, low], and a product's [high, low]. */
const WORD = new Uint32Array(2);
const PRODUCT = new Uint32Array(2);

/** The high and low u32 of the 32 × 32-bit product, from 16-bit limbs (each partial product is exact). */
function product32(a: number, b: number): void {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const cross1 = a0 * b1;
  const cross2 = a1 * b0;
  const middle = (low >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff);
  PRODUCT[0] = a1 * b1 + (cross1 >>> 16) + (cross2 >>> 16) + (middle >>> 16);
  PRODUCT[1] = ((middle & 0xffff) << 16) | (low & 0xffff);
}

/** WORD = (WORD ^ (WORD >> shift)) × multiplier mod 2^64 (shift < 32); without a multiplier, only the shift. */
function mix(shift: number, multiplierHigh?: number, multiplierLow?: number): void {
  const hi = WORD[0] as number;
  const lo = WORD[1] as number;
  const shiftedLo = (lo ^ ((lo >>> shift) | (hi << (32 - shift)))) >>> 0;
  const shiftedHi = (hi ^ (hi >>> shift)) >>> 0;
  if (multiplierHigh === undefined || multiplierLow === undefined) {
    WORD[0] = shiftedHi;
    WORD[1] = shiftedLo;
    return;
  }
  product32(shiftedLo, multiplierLow);
  WORD[0] = (PRODUCT[0] as number) + Math.imul(shiftedHi, multiplierLow) + Math.imul(shiftedLo, multiplierHigh);
  WORD[1] = PRODUCT[1] as number;
}

/** Writes the words of `count` consecutive 8-aligned addresses from `first` of `pid`'s space into `view` at `at`. */
function fillWords(view: DataView, at: number, seed: bigint, pid: number, first: bigint, count: number): void {
  const key = (seed ^ (BigInt(pid) << 48n)) & 0xffff_ffff_ffff_ffffn;
  const keyHigh = Number(key >> 32n);
  const keyLow = Number(key & 0xffff_ffffn);
  let addressHigh = Number((first >> 32n) & 0xffff_ffffn);
  let addressLow = Number(first & 0xffff_ffffn);
  for (let offset = at; offset < at + count * 8; offset += 8) {
    // z = seed ^ (pid << 48) ^ v; z = mix(z, 30, M1); z = mix(z, 27, M2); word = z ^ (z >> 31)
    WORD[0] = keyHigh ^ addressHigh;
    WORD[1] = keyLow ^ addressLow;
    mix(30, 0xbf58476d, 0x1ce4e5b9);
    mix(27, 0x94d049bb, 0x133111eb);
    mix(31);
    view.setUint32(offset, WORD[1] as number, true);
    view.setUint32(offset + 4, WORD[0] as number, true);
    addressLow += 8;
    if (addressLow >= 0x1_0000_0000) {
      addressLow -= 0x1_0000_0000;
      addressHigh = (addressHigh + 1) >>> 0;
    }
  }
}

/** The 8 bytes at an 8-aligned virtual address of `pid`'s address space (0: the kernel), as a number. */
export function dummyOsWord(seed: bigint, pid: number, address: bigint): bigint {
  const view = new DataView(new ArrayBuffer(8));
  fillWords(view, 0, seed, pid, address, 1);
  return view.getBigUint64(0, true);
}

/** The bytes of [address, address + length) as the contract generates them (little-endian words). */
export function dummyOsBytes(seed: bigint, pid: number, address: bigint, length: number): Uint8Array {
  const first = address & ~7n;
  const skip = Number(address - first);
  const words = new DataView(new ArrayBuffer(Math.ceil((skip + length) / 8) * 8));
  fillWords(words, 0, seed, pid, first, words.byteLength / 8);
  return new Uint8Array(words.buffer, skip, length);
}

/** Where a process's regions are, from its base (its ProcessInfo address). */
export function dummyOsRegions(base: bigint): { modules: bigint; heap: bigint; huge: bigint } {
  return { modules: base, heap: base + 0x2000_0000n, huge: base + 0x4000_0000n };
}

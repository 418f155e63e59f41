/**
 * What the dummy OS's mapped memory holds and where a process's regions are (native/dummy-os.md
 * "Contents", "Address spaces"): the one statement of both in TypeScript, used by the dummy OS
 * written in TypeScript to fill its pages and by every test that checks either dummy OS.
 */

export const KIB4 = 0x1000;
export const MIB2 = 0x20_0000;
export const GIB1 = 0x4000_0000;

const MASK64 = (1n << 64n) - 1n;

/** The 8 bytes at an 8-aligned virtual address of `pid`'s address space (0: the kernel), as a number. */
export function dummyOsWord(seed: bigint, pid: number, address: bigint): bigint {
  let z = (seed ^ (BigInt(pid) << 48n) ^ address) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The bytes of [address, address + length) as the contract generates them (little-endian words). */
export function dummyOsBytes(seed: bigint, pid: number, address: bigint, length: number): Uint8Array {
  const first = address & ~7n;
  const skip = Number(address - first);
  const words = new DataView(new ArrayBuffer(Math.ceil((skip + length) / 8) * 8));
  for (let at = 0; at < words.byteLength; at += 8)
    words.setBigUint64(at, dummyOsWord(seed, pid, first + BigInt(at)), true);
  return new Uint8Array(words.buffer, skip, length);
}

/** Where a process's regions are, from its base (its ProcessInfo address). */
export function dummyOsRegions(base: bigint): { modules: bigint; heap: bigint; huge: bigint } {
  return { modules: base, heap: base + 0x2000_0000n, huge: base + 0x4000_0000n };
}

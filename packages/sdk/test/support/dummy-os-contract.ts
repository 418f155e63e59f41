/**
 * What native/dummy-os.md promises, in TypeScript, for the tests that check the plugin against
 * it: the content function of mapped memory and where a process's regions are.
 */

export const KIB4 = 0x1000;
export const MIB2 = 0x20_0000;

const MASK64 = (1n << 64n) - 1n;

/** The 8 bytes at an 8-aligned virtual address of `pid`'s address space (0: the kernel), as a number. */
export function contentWord(seed: bigint, pid: number, address: bigint): bigint {
  let z = (seed ^ (BigInt(pid) << 48n) ^ address) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The bytes of [address, address + length) as the contract generates them (little-endian words). */
export function contentBytes(seed: bigint, pid: number, address: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const first = address & ~7n;
  const view = new DataView(new ArrayBuffer(8));
  for (let word = first; word < address + BigInt(length); word += 8n) {
    view.setBigUint64(0, contentWord(seed, pid, word), true);
    for (let index = 0; index < 8; index += 1) {
      const offset = Number(word - address) + index;
      if (offset >= 0 && offset < length) bytes[offset] = view.getUint8(index);
    }
  }
  return bytes;
}

/** Where a process's regions are, from its base (its ProcessInfo address). */
export function layoutOf(base: bigint): { modules: bigint; heap: bigint; huge: bigint } {
  return { modules: base, heap: base + 0x2000_0000n, huge: base + 0x4000_0000n };
}

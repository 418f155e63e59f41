/**
 * The dummy OS's seeded numbers (native/dummy-os.md "The seed"): an xorshift64* stream per
 * address space, drawn in the contract's order, so that the same seed lays out the same OS in C
 * and in TypeScript.
 */

const MASK64 = (1n << 64n) - 1n;

export class DummyOsRandom {
  #state: bigint;

  /** xorshift64* has no zero state: seed 0 starts from a fixed constant instead. */
  constructor(seed: bigint) {
    this.#state = seed === 0n ? 0x9e3779b97f4a7c15n : seed & MASK64;
  }

  /** A stream that continues from where this one is now, drawing independently of it. */
  copy(): DummyOsRandom {
    const copy = new DummyOsRandom(1n);
    copy.#state = this.#state;
    return copy;
  }

  next(): bigint {
    let x = this.#state;
    x ^= x >> 12n;
    x = (x ^ (x << 25n)) & MASK64;
    x ^= x >> 27n;
    this.#state = x;
    return (x * 0x2545f4914f6cdd1dn) & MASK64;
  }

  /** A number in [0, bound), bound > 0 (the modulo bias is the contract's). */
  below(bound: number): number {
    return Number(this.next() % BigInt(bound));
  }
}

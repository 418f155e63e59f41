/*
 * dummy OS: the seeded numbers (dummy-os.md "Seed"). Every choice the layout makes comes from one
 * xorshift64* stream, drawn in a fixed order, so a seed always gives the same OS; the bytes of
 * mapped memory are a pure function of (seed, pid, address), so a reader can predict them without
 * knowing the order. Part of dummy-os.c.
 */

typedef struct { uint64_t state; } Random;

/* xorshift64* has no zero state: seed 0 starts from a fixed constant instead. */
static Random random_new(uint64_t seed) {
  Random random = { seed ? seed : 0x9e3779b97f4a7c15ull };
  return random;
}

static uint64_t random_next(Random *random) {
  uint64_t x = random->state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  random->state = x;
  return x * 0x2545f4914f6cdd1dull;
}

/* A number in [0, bound), bound > 0 (the modulo bias is irrelevant here). */
static uint64_t random_below(Random *random, uint64_t bound) { return random_next(random) % bound; }

/* The 8 bytes at an 8-aligned virtual address of the address space of `pid` (0: the kernel), little-endian: splitmix64's finaliser. */
static uint64_t content_word(uint64_t seed, uint32_t pid, uint64_t address) {
  uint64_t z = seed ^ ((uint64_t)pid << 48) ^ address;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

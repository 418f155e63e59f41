/**
 * A page walker's working arrays (page-walk.ts), kept from one walk to the next and sized for the
 * largest batch so far, so walking again allocates nothing.
 */
/** A walker's working arrays, per address of a batch unless said otherwise. */
export interface WalkState {
  /** Each address as two 32-bit halves. */
  halves: Uint32Array;
  /** The address it follows down the levels it shares with the address before it. */
  parent: Int32Array;
  /** The level it is walking at (255 once it has a verdict of its own). */
  reached: Uint8Array;
  /**
   * The table it goes on to once its entry at the current level is read (the table of the next
   * level, which the addresses that follow it there start from).
   */
  table: Float64Array;
  /** What the entries on its way allowed: ENTRY.WRITEABLE while every one did, ENTRY.NO_EXECUTE once one forbade it. */
  access: Uint8Array;
  /** Per level: the addresses that start needing entries of their own there, and how many. */
  joining: Int32Array[];
  joiningCount: Int32Array;
  /** Per level, while preparing: the last address that needed an entry of its own there. */
  lastAtMost: Int32Array;
  /** The addresses walking at the current level, and those going on down. */
  pending: Int32Array;
  next: Int32Array;
  /**
   * Per slot of `pending`: the physical address of the entry it reads at the current level,
   * written as soon as the address knows its table (the TransferBatch's own addresses when the
   * memory runs batches, so nothing is copied).
   */
  entryAddresses: Float64Array;
  /**
   * Per request: the entry read (8 bytes whatever the entry size), and whether it was read whole.
   * Its words are read signed: an entry's high word has its top bit set whenever NX is, and a
   * Uint32Array would hand such words to the JIT as doubles (slower to mask); the bit operations
   * below do not care about the sign.
   */
  entries: Uint8Array;
  words: Int32Array;
  readOk: Uint8Array;
}

export function walkState(capacity: number, levels: number): WalkState {
  const entries = new Uint8Array(capacity * 8);
  return {
    halves: new Uint32Array(capacity * 2),
    parent: new Int32Array(capacity),
    reached: new Uint8Array(capacity),
    table: new Float64Array(capacity),
    access: new Uint8Array(capacity),
    joining: Array.from({ length: levels }, () => new Int32Array(capacity)),
    joiningCount: new Int32Array(levels),
    lastAtMost: new Int32Array(levels),
    pending: new Int32Array(capacity),
    next: new Int32Array(capacity),
    entryAddresses: new Float64Array(capacity),
    entries,
    words: new Int32Array(entries.buffer),
    readOk: new Uint8Array(capacity),
  };
}

/**
 * The request tables and buffers of batches whose results were disposed (`using results =
 * memory.readBatch(…)`), kept by a memory for its next batches of the same size: allocating them
 * is about half of what a batched call costs in JavaScript (decision 0016). Results never
 * disposed keep theirs, which the garbage collector takes as usual; a table is only ever handed
 * out again after its results said they are done with it.
 */

/** Free tables kept per memory: enough for a loop over a few batch sizes, never a hoard. */
const KEPT = 4;

export class BatchPool {
  readonly #records: Uint32Array[] = [];
  readonly #buffers: Uint8Array[] = [];
  /** The buffer that came back with the table `records` handed out last, if any. */
  #pending: Uint8Array | undefined;

  /** A request table of `words` words: a kept one of that size, or a new one. Its contents are stale. */
  records(words: number): Uint32Array {
    const kept = this.#records;
    for (let index = kept.length - 1; index >= 0; index -= 1) {
      const records = kept[index] as Uint32Array;
      if (records.length !== words) continue;
      this.#pending = this.#buffers[index];
      // The last kept pair takes this one's place: no array is allocated.
      kept[index] = kept[kept.length - 1] as Uint32Array;
      this.#buffers[index] = this.#buffers[this.#buffers.length - 1] as Uint8Array;
      kept.pop();
      this.#buffers.pop();
      return records;
    }
    this.#pending = undefined;
    return new Uint32Array(words);
  }

  /**
   * A buffer of `length` bytes for the table `records` just handed out: its own one again when it
   * fits, as it was. Not zeroed: the shim zeroes every byte a read does not fill (transfer-records.h),
   * which costs nothing when every request is read whole, where zeroing first cost as much as a
   * 4 KiB request's read.
   */
  buffer(length: number): Uint8Array {
    const pending = this.lastBuffer();
    if (pending === undefined || pending.length !== length) return new Uint8Array(length);
    return pending;
  }

  /** The buffer that came back with the table `records` just handed out, as it was (a write overwrites it whole). */
  lastBuffer(): Uint8Array | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending;
  }

  /** Takes back a table and its buffer whose results are done with them. */
  give(records: Uint32Array, buffer: Uint8Array): void {
    if (this.#records.length >= KEPT) return;
    this.#records.push(records);
    this.#buffers.push(buffer);
  }
}

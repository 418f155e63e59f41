/**
 * How many listed files have no stored file (an object deleted from the bucket behind the index's
 * back, a `.plugin` removed by hand), for `/health`'s JSON. Counting lists the index and the
 * stored files, so it runs in the background at most once per interval, started by a request,
 * and `/health` answers with the last count (`/health` needs no token; it must cost nothing).
 */
import type { StoreContents } from "./store-contents.ts";

export const OBJECT_COUNT_INTERVAL_MS = 60_000;

export interface ObjectCounts {
  readonly indexed: number;
  readonly missing: number;
}

export class ObjectCount {
  readonly #contents: StoreContents;
  readonly #clock: () => number;
  #last: ObjectCounts | undefined;
  #countedAt = Number.NEGATIVE_INFINITY;

  constructor(contents: StoreContents, clock: () => number = () => performance.now()) {
    this.#contents = contents;
    this.#clock = clock;
  }

  /** The last counts (undefined before the first finishes); starts a new count when the last is old. */
  counts(): ObjectCounts | undefined {
    const now = this.#clock();
    if (now - this.#countedAt >= OBJECT_COUNT_INTERVAL_MS) {
      this.#countedAt = now;
      void this.#count().catch(() => {
        // Unreachable storage shows in the health status itself; the old counts stay.
      });
    }
    return this.#last;
  }

  async #count(): Promise<void> {
    const [indexed, stored] = await Promise.all([this.#contents.indexedDigests(), this.#contents.storedDigests()]);
    const present = new Set(stored);
    this.#last = { indexed: indexed.length, missing: indexed.filter((digest) => !present.has(digest)).length };
  }
}

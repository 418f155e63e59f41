/**
 * Plugin files kept in memory, newest use last, up to a byte budget. A digest names immutable
 * bytes, so an entry can only become wrong by being deleted; `forget` handles that. Sending
 * from memory is what lets downloads keep up with a bare server (Bun sends a file from disk
 * noticeably slower than the same bytes from memory).
 */

export class FileCache {
  readonly #files = new Map<string, Blob>();
  readonly #budget: number;
  #bytes = 0;

  constructor(budgetBytes = 128 * 1024 * 1024) {
    this.#budget = budgetBytes;
  }

  /** The file's bytes as a Blob, read with `load` when not cached. Files over a quarter of the budget are not kept. */
  async get(digest: string, load: () => Blob): Promise<Blob> {
    const cached = this.#files.get(digest);
    if (cached) {
      this.#files.delete(digest);
      this.#files.set(digest, cached);
      return cached;
    }
    const file = load();
    if (file.size > this.#budget / 4) return file;
    const blob = new Blob([await file.arrayBuffer()]);
    this.#files.set(digest, blob);
    this.#bytes += blob.size;
    for (const [oldest, entry] of this.#files) {
      if (this.#bytes <= this.#budget) break;
      this.#files.delete(oldest);
      this.#bytes -= entry.size;
    }
    return blob;
  }

  forget(digest: string): void {
    const entry = this.#files.get(digest);
    if (!entry) return;
    this.#files.delete(digest);
    this.#bytes -= entry.size;
  }
}

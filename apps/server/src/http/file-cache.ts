/**
 * Plugin files kept in memory, newest use last, up to a byte budget. A digest names immutable
 * bytes, so an entry can only become wrong by being deleted; `forget` handles that. Sending
 * from memory is what lets downloads keep up with a bare server (Bun sends a file from disk
 * noticeably slower than the same bytes from memory). A hit also needs no index query.
 */

export interface CachedFile {
  readonly body: Blob;
  /** The name the download is saved under. */
  readonly name: string;
}

export class FileCache {
  readonly #files = new Map<string, CachedFile>();
  readonly #budget: number;
  #bytes = 0;

  constructor(budgetBytes = 128 * 1024 * 1024) {
    this.#budget = budgetBytes;
  }

  /** The file, from `load` when not cached. Files over a quarter of the budget are not kept. */
  async get(digest: string, load: () => CachedFile | Promise<CachedFile>): Promise<CachedFile> {
    const cached = this.#files.get(digest);
    if (cached) {
      this.#files.delete(digest);
      this.#files.set(digest, cached);
      return cached;
    }
    const file = await load();
    if (file.body.size > this.#budget / 4) return file;
    const entry = { body: new Blob([await file.body.arrayBuffer()]), name: file.name };
    this.#files.set(digest, entry);
    this.#bytes += entry.body.size;
    for (const [oldest, kept] of this.#files) {
      if (this.#bytes <= this.#budget) break;
      this.#files.delete(oldest);
      this.#bytes -= kept.body.size;
    }
    return entry;
  }

  forget(digest: string): void {
    const entry = this.#files.get(digest);
    if (!entry) return;
    this.#files.delete(digest);
    this.#bytes -= entry.body.size;
  }
}

/**
 * An upload's file on its way in: written to a temporary file as its bytes arrive, so a body is
 * never whole in memory; its first four bytes are checked as soon as they are there
 * (memflow-registry's early `is_binary`), so a file that is no binary is refused before the rest
 * of it is sent. Writes go through the thread pool (node:fs/promises), never blocking the event
 * loop on the disk. Each piece is hashed as it passes (about 0.5 ms a MiB on the event loop, in
 * pieces of a chunk), so nothing reads the file again to learn its digest.
 */
import { type FileHandle, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { checkBinaryHead } from "./upload-analysis.ts";

/** A finished incoming file: where it is and its size. */
export interface ReceivedFile {
  readonly path: string;
  readonly size: number;
  /** Whether its bytes were flushed to disk (fsync) before it was closed. */
  readonly flushed: boolean;
  /** sha256 of its bytes, lower-case hex. */
  readonly digest: string;
}

const HEAD_BYTES = 4;

export class IncomingFile {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #hasher = new Bun.CryptoHasher("sha256");
  #head = new Uint8Array(0);
  #size = 0;
  #open = true;

  readonly #flush: boolean;

  private constructor(path: string, handle: FileHandle, flush: boolean) {
    this.path = path;
    this.#handle = handle;
    this.#flush = flush;
  }

  /**
   * A new temporary file in `folder` (the storage folder's incoming folder); `flush`: fsync it as
   * it is finished, through the descriptor already open, so the commit need not open it again.
   */
  static async create(folder: string, options: { flush: boolean }): Promise<IncomingFile> {
    const path = join(folder, `${crypto.randomUUID()}.plugin`);
    return new IncomingFile(path, await open(path, "wx", 0o644), options.flush);
  }

  /** Appends bytes; throws StorageError bad-plugin once the first four show no ELF, PE or Mach-O. */
  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return;
    if (this.#head.byteLength < HEAD_BYTES) {
      this.#head = Buffer.concat([this.#head, bytes.subarray(0, HEAD_BYTES - this.#head.byteLength)]);
      if (this.#head.byteLength === HEAD_BYTES) checkBinaryHead(this.#head);
    }
    this.#size += bytes.byteLength;
    this.#hasher.update(bytes);
    let written = 0;
    while (written < bytes.byteLength) {
      written += (await this.#handle.write(bytes, written, bytes.byteLength - written)).bytesWritten;
    }
  }

  /** Closes the file; throws StorageError bad-plugin for a file shorter than a binary's magic. */
  async finish(): Promise<ReceivedFile> {
    if (this.#head.byteLength < HEAD_BYTES) {
      await this.#close();
      checkBinaryHead(this.#head);
    }
    if (this.#flush && this.#open) await this.#handle.sync();
    await this.#close();
    return { path: this.path, size: this.#size, flushed: this.#flush, digest: this.#hasher.digest("hex") };
  }

  /** Removes the file, unless a commit renamed it into place; safe to call at any point, and twice. */
  async discard(): Promise<void> {
    await this.#close();
    await rm(this.path, { force: true });
  }

  async #close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#handle.close();
  }
}

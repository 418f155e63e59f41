/**
 * An upload's file on its way in: written to a temporary file as its bytes arrive, so a body is
 * never whole in memory; its first four bytes are checked as soon as they are there
 * (memflow-registry's early `is_binary`), so a file that is no binary is refused before the rest
 * of it is sent. Writes go through the thread pool (node:fs/promises), never blocking the event
 * loop on the disk; the file is hashed by the upload worker that checks it, not here, because
 * hashing is most of what receiving costs per byte (measured: 0.5 of 0.7 ms per MiB).
 */
import { type FileHandle, open, rm } from "node:fs/promises";
import { join } from "node:path";
import { checkBinaryHead } from "./upload-analysis.ts";

/** A finished incoming file: where it is and its size. */
export interface ReceivedFile {
  readonly path: string;
  readonly size: number;
}

const HEAD_BYTES = 4;

export class IncomingFile {
  readonly path: string;
  readonly #handle: FileHandle;
  #head = new Uint8Array(0);
  #size = 0;
  #open = true;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** A new temporary file in `folder` (the storage folder's incoming folder). */
  static async create(folder: string): Promise<IncomingFile> {
    const path = join(folder, `${crypto.randomUUID()}.plugin`);
    return new IncomingFile(path, await open(path, "wx", 0o644));
  }

  /** Appends bytes; throws StorageError bad-plugin once the first four show no ELF, PE or Mach-O. */
  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return;
    if (this.#head.byteLength < HEAD_BYTES) {
      this.#head = Buffer.concat([this.#head, bytes.subarray(0, HEAD_BYTES - this.#head.byteLength)]);
      if (this.#head.byteLength === HEAD_BYTES) checkBinaryHead(this.#head);
    }
    this.#size += bytes.byteLength;
    let written = 0;
    while (written < bytes.byteLength) {
      written += (await this.#handle.write(bytes, written, bytes.byteLength - written)).bytesWritten;
    }
  }

  /** Closes the file; throws StorageError bad-plugin for a file shorter than a binary's magic. */
  async finish(): Promise<ReceivedFile> {
    await this.#close();
    if (this.#head.byteLength < HEAD_BYTES) checkBinaryHead(this.#head);
    return { path: this.path, size: this.#size };
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

/**
 * Downloads streamed from the bucket, never an object altered behind the index's back, and never a
 * whole object in memory. The first download of a digest in this process reads the object through
 * the hasher (chunk by chunk, nothing kept) and remembers the ETag it had; every download then
 * streams with `If-Match: <that ETag>`, so a changed object is refused by S3 (412) or, where a
 * store ignores `If-Match` (s3rver), by the ETag it answers. A changed ETag is hashed again once:
 * identical bytes written anew (another ETag, the same digest) are still the file.
 */
import type { ByteSpan, StreamedBody } from "../registry-store.ts";
import { StorageError } from "../storage-error.ts";
import type { BlobStore } from "./blob-store.ts";

interface Verified {
  readonly etag: string;
  readonly size: number;
}

export class StreamedObjects {
  readonly #blobs: BlobStore;
  readonly #warn: (message: string) => void;
  /** Digest → the ETag and size its object had when it hashed to the digest. Small: two values a file. */
  readonly #verified = new Map<string, Promise<Verified>>();

  constructor(blobs: BlobStore, warn: (message: string) => void) {
    this.#blobs = blobs;
    this.#warn = warn;
  }

  /** The object of a listed digest, to stream; StorageError damaged when it is missing or altered. */
  async body(digest: string): Promise<StreamedBody> {
    const { size } = await this.#verify(digest);
    return { size, stream: (span) => this.#stream(digest, span, true) };
  }

  /** After a delete: a new object under this digest is verified anew. */
  forget(digest: string): void {
    this.#verified.delete(digest);
  }

  #verify(digest: string): Promise<Verified> {
    let verified = this.#verified.get(digest);
    if (verified === undefined) {
      verified = this.#hash(digest);
      this.#verified.set(digest, verified);
      // A failure is not remembered: the next request looks again (the object may be restored).
      verified.catch(() => this.#verified.delete(digest));
    }
    return verified;
  }

  async #hash(digest: string): Promise<Verified> {
    const opened = await this.#blobs.open(digest);
    if (opened === "missing" || opened === "changed")
      throw this.#damaged(digest, "its object is missing from the bucket");
    const hasher = new Bun.CryptoHasher("sha256");
    for await (const chunk of opened.body) hasher.update(chunk);
    if (hasher.digest("hex") !== digest) throw this.#damaged(digest, "its object's content does not match its digest");
    return { etag: opened.etag, size: opened.size };
  }

  async #stream(digest: string, span: ByteSpan | undefined, retry: boolean): Promise<ReadableStream<Uint8Array>> {
    const { etag } = await this.#verify(digest);
    const opened = await this.#blobs.open(digest, { ...(span === undefined ? {} : { span }), ifMatch: etag });
    if (opened === "missing") throw this.#damaged(digest, "its object is missing from the bucket");
    if (opened !== "changed") return opened.body;
    this.forget(digest);
    if (!retry) throw this.#damaged(digest, "its object keeps changing while it is read");
    return this.#stream(digest, span, false);
  }

  #damaged(digest: string, problem: string): StorageError {
    this.#warn(`cannot serve ${digest}: ${problem}; run memflow-ts-server check`);
    return new StorageError("damaged", `the file of this plugin is damaged: ${problem}; the server's log says more`);
  }
}

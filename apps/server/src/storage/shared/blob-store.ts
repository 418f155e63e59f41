/**
 * Where the shared store keeps plugin files: content-addressed objects, one per digest. Writing
 * the same digest twice is harmless (same bytes), so uniqueness is the index's job, not this one's.
 */
export interface StoredObject {
  readonly digest: string;
  readonly modifiedAt: Date;
}

export interface BlobStore {
  /** Stores `body` (a received file, `Bun.file(path)`, or bytes) under `digest`; resolves once the object exists. */
  put(digest: string, body: Blob): Promise<void>;
  /** The object's bytes; undefined when there is none. */
  read(digest: string): Promise<Uint8Array | undefined>;
  exists(digest: string): Promise<boolean>;
  /** Removes the object; none is not an error. */
  delete(digest: string): Promise<void>;
  /** A URL that lets its holder GET the object for `seconds`. */
  presignedUrl(digest: string, seconds: number): string;
  /** Every object stored and when it was written, for `check` and garbage collection. */
  objects(): Promise<StoredObject[]>;
}

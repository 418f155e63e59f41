/**
 * What operator tools (`check`, `migrate`) and the health check's object count read of a store,
 * beyond what the routes need: the digests the index lists, the files actually stored, and a
 * file's bytes as stored (not checked: finding out is the caller's job). Both stores provide it.
 */

export interface StoreContents {
  /** Every digest the index lists, in order. */
  indexedDigests(): Promise<string[]>;
  /** Every digest whose file is stored (a `.plugin` in the folder, an object in the bucket). */
  storedDigests(): Promise<string[]>;
  /** The `.meta` text of an indexed file, as stored, unchecked; undefined when it has none. */
  storedMetadata(digest: string): Promise<string | undefined>;
  /** A stored file's bytes, unchecked; undefined when there is none. */
  storedBytes(digest: string): Promise<Uint8Array | undefined>;
  /**
   * Removes stored files no index row lists, written before `before`; their digests. Only the
   * shared store has such garbage: the embedded one imports a `.plugin` without a `.meta` at start-up.
   */
  collectGarbage?(before: Date): Promise<string[]>;
}

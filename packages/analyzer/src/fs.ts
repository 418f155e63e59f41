/**
 * `@memflow-ts/analyzer/fs`: analyze a file on disk by path. Uses `node:fs`, which Node and Bun
 * both provide; the main entry of the package imports no runtime module.
 *
 * The reader uses synchronous positioned reads: a plugin needs a few small reads, and a
 * thread-pool round trip per read costs more than the read itself (see
 * docs/decisions/0002-analyzer-reads-on-demand.md).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { analyzeFile as analyzeReader, analyzeFileSync as analyzeSyncReader } from "./analyze.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import type { RandomAccessReader } from "./drive.ts";
import type { SyncRandomAccessReader } from "./read-on-demand.ts";

/**
 * A reader over an open file; `close()` it when done. The bytes `read` returns stay valid until
 * `close()`: the reader's buffer then serves the next reader.
 */
export interface FileReader extends SyncRandomAccessReader {
  /** Bytes read so far, for callers that measure. */
  readonly bytesRead: number;
  /** Read calls so far. */
  readonly reads: number;
  close(): void;
}

/** The buffer a reader's reads are carved from: enough for a typical plugin's whole analysis. */
const ARENA_BYTES = 64 * 1024;

/**
 * The arena of the last closed reader, handed to the next one. A scan opens readers one after
 * another; with a fresh 64 KiB per file, `Buffer.allocUnsafe` and the page faults of the first
 * read into new memory were about a tenth of a fresh scan's profile.
 */
let spareArena: Uint8Array | undefined;

/**
 * A class, not an object literal of closures: a scan opens one reader per file, and a literal
 * would make its four functions and two getters again for every one of them.
 */
class OpenFile implements FileReader {
  readonly size: number;
  bytesRead = 0;
  reads = 0;
  private readonly path: string;
  private readonly fd: number;
  private open = true;
  // Reads are carved from one buffer per reader (a plugin's analysis reads a few tens of KiB):
  // one allocation per file instead of one per read. Not reused while the reader is open, so
  // returned bytes stay valid until close().
  private arena: Uint8Array;
  private readonly firstArena: Uint8Array;
  /** The arena's size as a number: a typed array's `length` is slow before the JIT has compiled a read. */
  private arenaSize: number;
  private arenaUsed = 0;

  constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    const arena = spareArena ?? new Uint8Array(0);
    spareArena = undefined;
    this.arena = arena;
    this.firstArena = arena;
    this.arenaSize = arena.length;
  }

  read(offset: number, length: number): Uint8Array {
    if (!this.open) throw new Error(`read from ${this.path} after close()`);
    if (this.arenaUsed + length > this.arenaSize) {
      // Every byte is overwritten below (or cut off), so skip zero-filling.
      const fresh = Buffer.allocUnsafe(Math.max(length, ARENA_BYTES));
      this.arena = new Uint8Array(fresh.buffer, fresh.byteOffset, fresh.length);
      this.arenaSize = this.arena.length;
      this.arenaUsed = 0;
    }
    // A plain Uint8Array view, not a Buffer: the parsers then see one typed-array shape only.
    const buffer = this.arena.subarray(this.arenaUsed, this.arenaUsed + length);
    this.arenaUsed += length;
    let filled = 0;
    while (filled < length) {
      const got = readSync(this.fd, buffer, filled, length - filled, offset + filled);
      if (got === 0) break;
      filled += got;
    }
    this.bytesRead += filled;
    this.reads += 1;
    return filled === length ? buffer : buffer.subarray(0, filled);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
    // Only a standard-size arena is kept: a reader that grew keeps its large buffers to itself.
    const kept = this.arena.length === ARENA_BYTES ? this.arena : this.firstArena;
    if (kept.length === ARENA_BYTES) spareArena = kept;
  }
}

export function openFileReader(path: string): FileReader {
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return new OpenFile(path, fd, size);
}

/** Analyzes the file at `path`, or the file behind a reader, reading only what it needs. */
export async function analyzeFile(source: string | RandomAccessReader): Promise<PluginDescriptorInfo[]> {
  return typeof source === "string" ? analyzeFileSync(source) : analyzeReader(source);
}

/** `analyzeFile(path)` without a promise: the reads are synchronous anyway. */
export function analyzeFileSync(path: string): PluginDescriptorInfo[] {
  const reader = openFileReader(path);
  try {
    return analyzeSyncReader(reader);
  } finally {
    reader.close();
  }
}

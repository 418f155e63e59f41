/**
 * The strict baseline of the scan benches: every byte of a file read into a buffer allocated
 * once, so it pays for the reads alone, not for allocating and faulting in fresh memory as
 * `readFileSync` does.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Reads all of `path` into the start of `buffer` (which must be large enough); returns its size. */
export function readEveryByteInto(path: string, buffer: Uint8Array): number {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > buffer.length) throw new Error(`${path} is larger than the ${buffer.length}-byte buffer`);
    let filled = 0;
    while (filled < size) {
      const got = readSync(fd, buffer, filled, size - filled, filled);
      if (got === 0) break;
      filled += got;
    }
    return filled;
  } finally {
    closeSync(fd);
  }
}

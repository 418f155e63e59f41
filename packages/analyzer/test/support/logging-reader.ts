/**
 * A reader over bytes in memory that logs every range it is asked for, and notes every ask the
 * analyzer promises never to make (a range past the end, an empty or negative one), so a test
 * can check both what was read and that nothing else was asked.
 */
export interface LoggingReader<R> {
  reader: { readonly size: number; read(offset: number, length: number): R };
  /** `offset+length` of every read, in order. */
  reads: string[];
  /** The reads outside `[0, size)` or of no bytes. */
  outside: string[];
}

export function loggingReader<R>(bytes: Uint8Array, deliver: (bytes: Uint8Array) => R): LoggingReader<R> {
  const reads: string[] = [];
  const outside: string[] = [];
  const reader = {
    size: bytes.length,
    read(offset: number, length: number): R {
      reads.push(`${offset}+${length}`);
      const within = Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length > 0;
      if (!within || offset + length > bytes.length) outside.push(`${offset}+${length} of ${bytes.length}`);
      return deliver(bytes.subarray(offset, offset + length));
    },
  };
  return { reader, reads, outside };
}

/**
 * The analyzer's entry points: from bytes in memory, or from a random-access reader that is
 * asked only for the ranges the parsers need.
 */
import { type FileByteOrder, readByteOrder } from "./byte-order.ts";
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import { type RandomAccessReader, runAsync, runSync } from "./drive.ts";
import { AnalyzeError } from "./errors.ts";
import { parseAny } from "./parse.ts";
import { quickScan } from "./quick-scan.ts";
import { readFirst, runBlocking, type SyncRandomAccessReader } from "./read-on-demand.ts";

/**
 * Every memflow plugin descriptor in an ELF, PE or Mach-O file (memflow's `parse_descriptors`).
 * A valid binary without descriptors gives `[]`; anything else that goes wrong throws an
 * AnalyzeError.
 */
export function parseDescriptors(bytes: Uint8Array): PluginDescriptorInfo[] {
  return guard(() => runSync(parseAny, bytes));
}

/** The same as `parseDescriptors`, reading only the byte ranges it needs from `reader`. */
export async function analyzeFile(reader: RandomAccessReader): Promise<PluginDescriptorInfo[]> {
  checkSize(reader.size);
  return guard(() => runAsync(parseAny, reader));
}

/**
 * The same as `analyzeFile` for a reader whose reads return at once, without promises. A common
 * ELF, PE or Mach-O plugin is read by a quick scan (`quick-scan.ts`), which answers only where the
 * full parser gives the same answer; any other file goes to the full parser, from the same first
 * read.
 */
export function analyzeFileSync(reader: SyncRandomAccessReader): PluginDescriptorInfo[] {
  checkSize(reader.size);
  // `guard` written out: a scan calls this once per file, and a closure per call adds up.
  try {
    if (reader.size === 0) return runBlocking(parseAny, reader);
    const first = readFirst(reader);
    return quickScan(reader, first) ?? runBlocking(parseAny, reader, first);
  } catch (error) {
    return wrap(error);
  }
}

/**
 * The byte order of an ELF, PE or Mach-O file (`mixed` for a universal Mach-O file whose slices
 * differ), from the header bytes that decide it. The descriptors of a file are read in this
 * order; `PluginDescriptorInfo`, memflow's shape, does not say it. Throws AnalyzeError.
 */
export function fileByteOrder(bytes: Uint8Array): FileByteOrder {
  return guard(() => runSync(readByteOrder, bytes));
}

/** The same as `fileByteOrder`, reading only the byte ranges it needs from `reader`. */
export async function analyzeByteOrder(reader: RandomAccessReader): Promise<FileByteOrder> {
  checkSize(reader.size);
  return guard(() => runAsync(readByteOrder, reader));
}

/** The same as `analyzeByteOrder` for a reader whose reads return at once, without promises. */
export function analyzeByteOrderSync(reader: SyncRandomAccessReader): FileByteOrder {
  checkSize(reader.size);
  return guard(() => runBlocking(readByteOrder, reader));
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new AnalyzeError("malformed", 0, `the reader reports an impossible size ${size}`);
  }
}

/** Keeps the promise that only AnalyzeError escapes, even from a bug: the bug becomes the cause. */
function guard<T>(run: () => T): T {
  try {
    const result = run();
    if (result instanceof Promise) return result.catch(wrap) as T;
    return result;
  } catch (error) {
    return wrap(error);
  }
}

function wrap(error: unknown): never {
  if (error instanceof AnalyzeError) throw error;
  throw new AnalyzeError("malformed", 0, `the file could not be analyzed: ${String(error)}`, { cause: error });
}

/** A reader over bytes already in memory, for tests and for callers that hold the file. */
export function bytesReader(bytes: Uint8Array): RandomAccessReader {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/**
 * The driver for a reader whose reads return at once (a local file read with positioned reads):
 * a range the parser asks for and does not have yet is read on the spot, so the parser runs
 * exactly once. The re-running driver (`drive.ts`) exists for readers that return promises,
 * which a synchronous parser cannot wait for (docs/decisions/0025-one-run-for-synchronous-readers.md).
 */
import type { Chunk } from "./bytes.ts";
import { checked, coalesce, FetchedRanges, FIRST_READ, MAX_ROUNDS, readFrom, tooManyRounds } from "./fetched-ranges.ts";
import { FileWindow, type Range } from "./file-window.ts";

/** A reader whose reads return at once (a local file read with positioned reads). */
export interface SyncRandomAccessReader {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/**
 * Fetched ranges that fetch what is missing when it is asked for. A round of reads is what the
 * re-running driver would read between two runs: the ranges asked for with those named for
 * later, coalesced the same way, so both drivers issue the same reads.
 */
class ReadOnDemand extends FetchedRanges {
  private readonly reader: SyncRandomAccessReader;
  private readonly size: number;
  /** Rounds the parser asked for, after the first read. */
  private rounds = 0;

  constructor(reader: SyncRandomAccessReader, size: number) {
    super();
    this.reader = reader;
    this.size = size;
  }

  protected override missing(offset: number, length: number): Chunk {
    this.round([{ offset, length }]);
    // The round read a range covering this one (or threw), and the lookup finds it.
    return super.locate(offset, length);
  }

  override need(ranges: readonly Range[]): void {
    this.round(ranges);
  }

  /** A round of reads the parser asked for; the re-running driver's limit applies to them. */
  private round(wanted: readonly Range[]): void {
    this.fetch(wanted);
    this.rounds += 1;
    if (this.rounds === MAX_ROUNDS) throw tooManyRounds();
  }

  /** Reads `wanted` and the ranges named for later, each read checked before the next. */
  fetch(wanted: readonly Range[]): void {
    const deferred = this.takeDeferred();
    const reads = coalesce(deferred.length > 0 ? wanted.concat(deferred) : wanted, this.size);
    for (let index = 0; index < reads.length; index += 1) {
      const read = reads[index] as Range;
      this.add(read.offset, checked(read.offset, read.length, readFrom(this.reader, read.offset, read.length)));
    }
  }
}

/**
 * The read every analysis starts with: the first FIRST_READ bytes (fewer of a shorter file), as
 * the drivers' first round reads them. Read by the caller when something else looks at the bytes
 * first (the quick ELF scan, `elf-quick-scan.ts`), then handed to `runBlocking`.
 */
export function readFirst(reader: SyncRandomAccessReader): Uint8Array {
  const length = Math.min(FIRST_READ, reader.size);
  return checked(0, length, readFrom(reader, 0, length));
}

/**
 * Runs `parse` once over a synchronous reader, reading each range when it is first needed;
 * `first` is `readFirst(reader)` when the caller has read it already.
 */
export function runBlocking<T>(
  parse: (window: FileWindow) => T,
  reader: SyncRandomAccessReader,
  first?: Uint8Array,
): T {
  const size = reader.size;
  const source = new ReadOnDemand(reader, size);
  // Nothing asks for the first read: every format starts with the headers it holds.
  if (first !== undefined) source.add(0, first);
  else if (size > 0) source.fetch([{ offset: 0, length: FIRST_READ }]);
  return parse(new FileWindow(source, 0, size));
}

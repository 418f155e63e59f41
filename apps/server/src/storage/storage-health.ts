/**
 * Whether the storage can do its job, answered from memory: `/health` is unauthenticated, so it
 * must cost nothing a client can multiply (listing a folder of 5,000 plugins per request did).
 * Three facts decide it: the index is open, the last write did not fail, and the folder's file
 * system, sampled at most once per interval, is reachable and has room for another upload.
 */
import { statfsSync } from "node:fs";

/** How often the file system is asked at most. */
export const HEALTH_SAMPLE_INTERVAL_MS = 5_000;
/** Less free space than this and an upload (20 MiB at most, plus its `.meta`) may fail. */
export const MINIMUM_FREE_BYTES = 64 * 1024 * 1024;

export interface StorageHealthOptions {
  /** Milliseconds on a monotonic clock; tests move it. */
  clock?: () => number;
  /** Told when a sample turns the answer, with the reason. */
  warn?: (message: string) => void;
}

interface Sample {
  at: number;
  problem: string | undefined;
}

export class StorageHealth {
  readonly #root: string;
  readonly #clock: () => number;
  readonly #warn: (message: string) => void;
  #open = true;
  #failedWrite: string | undefined;
  #lastSuccessfulWrite: number | undefined;
  #sample: Sample;

  constructor(root: string, options: StorageHealthOptions = {}) {
    this.#root = root;
    this.#clock = options.clock ?? (() => performance.now());
    this.#warn = options.warn ?? (() => {});
    this.#sample = this.#measure();
  }

  /** The index was closed: nothing can be served any more. */
  close(): void {
    this.#open = false;
  }

  /** A write (upload or delete) finished; a failed one makes the storage unhealthy until one succeeds. */
  recordWrite(failure?: string): void {
    if (failure === undefined) {
      this.#failedWrite = undefined;
      this.#lastSuccessfulWrite = this.#clock();
    } else {
      if (this.#failedWrite === undefined) this.#warn(`storage unhealthy: a write failed: ${failure}`);
      this.#failedWrite = failure;
    }
  }

  /** When the last write succeeded (on the health clock); undefined before the first. */
  get lastSuccessfulWrite(): number | undefined {
    return this.#lastSuccessfulWrite;
  }

  /** What is wrong, or undefined when the storage is healthy. */
  problem(): string | undefined {
    if (!this.#open) return "the index is closed";
    if (this.#failedWrite !== undefined) return `the last write failed: ${this.#failedWrite}`;
    if (this.#clock() - this.#sample.at >= HEALTH_SAMPLE_INTERVAL_MS) {
      const previous = this.#sample.problem;
      this.#sample = this.#measure();
      if (this.#sample.problem !== undefined && this.#sample.problem !== previous)
        this.#warn(`storage unhealthy: ${this.#sample.problem}`);
    }
    return this.#sample.problem;
  }

  #measure(): Sample {
    const at = this.#clock();
    try {
      const space = statfsSync(this.#root);
      const free = space.bavail * space.bsize;
      if (free < MINIMUM_FREE_BYTES) return { at, problem: `${this.#root} has ${free} bytes free` };
      return { at, problem: undefined };
    } catch (error) {
      return { at, problem: `${this.#root}: ${(error as Error).message}` };
    }
  }
}

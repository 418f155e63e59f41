/**
 * The shared store's automatic garbage collection: every interval, objects no index row lists
 * that are older than the grace period are removed (a crash between an upload's object and its
 * row leaves them). The removal itself is the store's `collectGarbage`, the one `check
 * --collect-garbage` runs; this only decides when, and makes sure one server at a time does it
 * (a PostgreSQL advisory lock another server holding skips this round). The grace keeps an upload
 * in flight safe: its object is written moments before its row.
 */

/** pg_try_advisory_xact_lock's key: "memflowg" in ASCII, beside the migrations' "memflowt". */
export const GARBAGE_SWEEP_LOCK = 0x6d656d666c6f7767n;

export interface GarbageSweepOptions {
  readonly everyMs: number;
  readonly graceMs: number;
  /** Runs the sweep under the lock; undefined when another server holds it. */
  readonly whileLocked: (sweep: () => Promise<string[]>) => Promise<string[] | undefined>;
  readonly collect: (before: Date) => Promise<string[]>;
  readonly log: (message: string) => void;
}

export class GarbageSweep {
  readonly #options: GarbageSweepOptions;
  readonly #timer: ReturnType<typeof setInterval>;
  #running: Promise<void> | undefined;

  constructor(options: GarbageSweepOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.#sweep(), options.everyMs);
    // A sweep is never a reason for the process to stay alive.
    this.#timer.unref();
  }

  /** Stops the timer; resolves once a sweep under way has ended. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  #sweep(): void {
    // A slow sweep (a large bucket) is not overtaken by the next one of this server.
    if (this.#running !== undefined) return;
    const { graceMs, whileLocked, collect, log } = this.#options;
    this.#running = whileLocked(() => collect(new Date(Date.now() - graceMs)))
      .then(
        (removed) => {
          if (removed !== undefined && removed.length > 0)
            log(`garbage collection: removed ${removed.length} objects no index row lists: ${removed.join(", ")}`);
        },
        (error: unknown) => log(`garbage collection failed (tried again next interval): ${(error as Error).message}`),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }
}

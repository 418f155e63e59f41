/**
 * The shared store's health, answered from memory as the embedded one's is (`/health` needs no
 * token): the last write did not fail, and PostgreSQL answered when last asked, at most once per
 * sampling interval, in the background. A ping that has not answered within the interval counts
 * as unreachable too: a PostgreSQL behind a dropped network never refuses, it just never answers,
 * and a load balancer must stop sending requests that would hang on it.
 */
import { HEALTH_SAMPLE_INTERVAL_MS } from "../storage-health.ts";

export class SharedHealth {
  readonly #ping: () => Promise<void>;
  readonly #warn: (message: string) => void;
  #open = true;
  #failedWrite: string | undefined;
  #unreachable: string | undefined;
  #sampledAt = Number.NEGATIVE_INFINITY;
  /** When the ping under way was sent; one at a time, so a hung database does not collect them. */
  #pingSentAt: number | undefined;

  constructor(ping: () => Promise<void>, warn: (message: string) => void) {
    this.#ping = ping;
    this.#warn = warn;
  }

  close(): void {
    this.#open = false;
  }

  recordWrite(failure?: string): void {
    if (failure !== undefined && this.#failedWrite === undefined)
      this.#warn(`storage unhealthy: a write failed: ${failure}`);
    this.#failedWrite = failure;
  }

  problem(): string | undefined {
    if (!this.#open) return "the index is closed";
    const now = performance.now();
    if (this.#pingSentAt !== undefined) {
      if (now - this.#pingSentAt >= HEALTH_SAMPLE_INTERVAL_MS)
        this.#setUnreachable(`no answer within ${HEALTH_SAMPLE_INTERVAL_MS / 1000} s`);
    } else if (now - this.#sampledAt >= HEALTH_SAMPLE_INTERVAL_MS) {
      this.#sampledAt = now;
      this.#pingSentAt = now;
      this.#ping()
        .then(
          () => {
            if (this.#unreachable !== undefined) this.#warn("storage healthy again: PostgreSQL answers");
            this.#unreachable = undefined;
          },
          (error: unknown) => this.#setUnreachable((error as Error).message),
        )
        .finally(() => {
          this.#pingSentAt = undefined;
        });
    }
    return this.#failedWrite === undefined ? this.#unreachable : `the last write failed: ${this.#failedWrite}`;
  }

  #setUnreachable(reason: string): void {
    if (this.#unreachable === undefined) this.#warn(`storage unhealthy: PostgreSQL: ${reason}`);
    this.#unreachable = reason;
  }
}

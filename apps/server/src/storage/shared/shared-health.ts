/**
 * The shared store's health, answered from memory as the embedded one's is (`/health` needs no
 * token): the last write did not fail, and PostgreSQL answered when last asked, at most once per
 * sampling interval, in the background.
 */
import { HEALTH_SAMPLE_INTERVAL_MS } from "../storage-health.ts";

export class SharedHealth {
  readonly #ping: () => Promise<void>;
  readonly #warn: (message: string) => void;
  #open = true;
  #failedWrite: string | undefined;
  #unreachable: string | undefined;
  #sampledAt = Number.NEGATIVE_INFINITY;

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
    if (now - this.#sampledAt >= HEALTH_SAMPLE_INTERVAL_MS) {
      this.#sampledAt = now;
      this.#ping().then(
        () => {
          this.#unreachable = undefined;
        },
        (error: unknown) => {
          if (this.#unreachable === undefined) this.#warn(`storage unhealthy: PostgreSQL: ${(error as Error).message}`);
          this.#unreachable = (error as Error).message;
        },
      );
    }
    return this.#failedWrite === undefined ? this.#unreachable : `the last write failed: ${this.#failedWrite}`;
  }
}

/**
 * How fast the server takes in upload bodies, all uploads together. Receiving costs CPU per byte
 * (the request, the multipart parser, the page cache, then the worker's hash and parse): on a
 * small machine, uploads as fast as loopback carries them starve every other request. A shared
 * budget, refilled continuously, holds each chunk until it fits; holding it stops Bun reading
 * that connection, so TCP slows the client down rather than the server buffering its bytes.
 */

/**
 * About half a 1 Gbit/s link: a CI job's plugins (a few MiB each) arrive in well under a second,
 * and on 2 cores a listing's p99 stays within 2× of idle while 20 clients upload (128 MiB/s: 4-5×).
 */
export const DEFAULT_UPLOAD_MIB_PER_SECOND = 64;

export interface UploadRateOptions {
  /** Milliseconds on a monotonic clock; tests move it. */
  clock?: () => number;
  /** Waits that many milliseconds; tests record it. */
  sleep?: (milliseconds: number) => Promise<unknown>;
}

export class UploadRate {
  readonly #bytesPerSecond: number;
  readonly #clock: () => number;
  readonly #sleep: (milliseconds: number) => Promise<unknown>;
  /** Bytes that may pass now; below zero, the debt the next chunks wait off. */
  #available: number;
  #last: number;

  /** `bytesPerSecond` 0 (or less) lets everything through at once. */
  constructor(bytesPerSecond: number, options: UploadRateOptions = {}) {
    this.#bytesPerSecond = bytesPerSecond;
    this.#clock = options.clock ?? (() => performance.now());
    this.#sleep = options.sleep ?? ((milliseconds) => Bun.sleep(milliseconds));
    // A second's worth may pass at once, so a lone small upload never waits.
    this.#available = bytesPerSecond;
    this.#last = this.#clock();
  }

  /** Resolves when `bytes` more may be taken in. */
  async take(bytes: number): Promise<void> {
    if (this.#bytesPerSecond <= 0) return;
    const now = this.#clock();
    const refill = ((now - this.#last) / 1000) * this.#bytesPerSecond;
    this.#available = Math.min(this.#bytesPerSecond, this.#available + refill) - bytes;
    this.#last = now;
    if (this.#available < 0) await this.#sleep((-this.#available / this.#bytesPerSecond) * 1000);
  }
}

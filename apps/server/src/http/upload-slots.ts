/**
 * How many uploads the server receives at once. Each one in flight costs a little memory (the
 * request's buffered bytes, and its file while a worker checks it) and a share of the disk; past
 * the limit a client gets 503 with Retry-After at once, before it sends its body, which is better
 * than a server that runs out of memory for everyone.
 */
import { RequestError } from "./request-error.ts";

/**
 * memflowup does not retry a 503: a connector's CI pushes each of its builds (9 targets for
 * memflow's own connectors) from a job of its own, at about the same time, and all must get in.
 */
export const DEFAULT_MAX_UPLOADS = 16;
/** What a refused client is told to wait: an upload of 20 MiB takes well under a second here. */
export const UPLOAD_RETRY_AFTER_SECONDS = 2;

export class UploadSlots {
  readonly max: number;
  #inFlight = 0;

  constructor(max = DEFAULT_MAX_UPLOADS) {
    this.max = max;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes a slot and returns what gives it back; RequestError busy when none is free. */
  take(): () => void {
    if (this.#inFlight >= this.max) {
      throw new RequestError(
        "busy",
        `the registry is receiving ${this.max} uploads already; try again in ${UPLOAD_RETRY_AFTER_SECONDS} seconds`,
        { retryAfterSeconds: UPLOAD_RETRY_AFTER_SECONDS },
      );
    }
    this.#inFlight += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.#inFlight -= 1;
    };
  }
}

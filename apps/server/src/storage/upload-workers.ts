/**
 * The store's upload workers: a few threads (upload-worker.ts) that check and commit received
 * uploads, so parsing, signature checks and fsyncs never hold up the event loop. Started on the
 * first upload; jobs wait in line when every worker is busy (the HTTP layer bounds how many
 * uploads are in flight, and so how long the line gets).
 */
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { ByteOrder } from "./byte-order.ts";
import { StorageError } from "./storage-error.ts";
import type { UploadJob, UploadWorkerInit, UploadWorkerReply } from "./upload-protocol.ts";

const WORKER_URL = new URL("./upload-worker.ts", import.meta.url);

/** One worker per two cores, at least one: the event loop keeps a core, and a worker holds one upload in memory. */
export const DEFAULT_UPLOAD_WORKERS = Math.max(1, Math.min(4, Math.floor(navigator.hardwareConcurrency / 2)));

/** A worker failed in a way that is not the upload's fault (the disk, a crash, the store closing). */
export class UploadWorkerError extends Error {
  override readonly name = "UploadWorkerError";
}

export interface CheckedUpload {
  added: boolean;
  meta: PluginMetadata;
  metaMtimeMs: number;
  byteOrder: ByteOrder;
}

interface Waiting {
  job: UploadJob;
  resolve(result: CheckedUpload): void;
  reject(error: Error): void;
}

function settle(waiting: Waiting, reply: UploadWorkerReply): void {
  if ("fault" in reply) waiting.reject(new UploadWorkerError(reply.fault));
  else if ("refused" in reply) waiting.reject(new StorageError(reply.refused, reply.message));
  else waiting.resolve(reply);
}

export class UploadWorkers {
  readonly #size: number;
  readonly #init: UploadWorkerInit;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Waiting>();
  readonly #line: Waiting[] = [];
  #started = 0;
  #closed = false;

  constructor(size: number, init: UploadWorkerInit) {
    this.#size = Math.max(1, size);
    this.#init = init;
  }

  /** Checks (and commits) one upload; StorageError when it is refused, UploadWorkerError on a fault. */
  run(job: UploadJob): Promise<CheckedUpload> {
    if (this.#closed) return Promise.reject(new UploadWorkerError("the storage is closed"));
    return new Promise((resolve, reject) => {
      this.#line.push({ job, resolve, reject });
      this.#next();
    });
  }

  /** Stops every worker; uploads still running or waiting fail. */
  close(): void {
    this.#closed = true;
    const stopped = new UploadWorkerError("the storage was closed during the upload");
    for (const waiting of [...this.#busy.values(), ...this.#line.splice(0)]) waiting.reject(stopped);
    // Idle workers close their connections to the index themselves; busy ones are stopped where they are.
    for (const worker of this.#idle.splice(0)) worker.postMessage({ stop: true });
    for (const worker of this.#busy.keys()) worker.terminate();
    this.#busy.clear();
  }

  #next(): void {
    while (this.#line.length > 0) {
      const worker = this.#idle.pop() ?? (this.#started < this.#size ? this.#start() : undefined);
      if (worker === undefined) return;
      const waiting = this.#line.shift() as Waiting;
      this.#busy.set(worker, waiting);
      worker.postMessage({ job: waiting.job });
    }
  }

  #start(): Worker {
    const worker = new Worker(WORKER_URL);
    // A store that is never closed must not keep its process alive.
    worker.unref();
    this.#started += 1;
    worker.postMessage({ init: this.#init });
    worker.onmessage = (event: MessageEvent<UploadWorkerReply>) => {
      const waiting = this.#busy.get(worker);
      this.#busy.delete(worker);
      this.#idle.push(worker);
      if (waiting) settle(waiting, event.data);
      this.#next();
    };
    worker.onerror = (event: ErrorEvent) => {
      const waiting = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (this.#idle.includes(worker)) this.#idle.splice(this.#idle.indexOf(worker), 1);
      this.#started -= 1;
      worker.terminate();
      waiting?.reject(new UploadWorkerError(`an upload worker failed: ${event.message}`));
      if (!this.#closed) this.#next();
    };
    return worker;
  }
}

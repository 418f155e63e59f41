/**
 * Connector sessions for the inventory API, each in its own worker process. A worker that dies
 * (a plugin that segfaults, aborts or is killed) ends its session: its pending and later requests
 * fail with a 502, and the server carries on. What a session's plugins log reaches the server's
 * log, one line per record, naming the session.
 */
import { join } from "node:path";
import type { LevelFilter, PluginLogRecord } from "@memflow-ts/core";
import type { Subprocess } from "bun";
import type { InventorySource } from "./local-inventory.ts";
import { SessionError } from "./session-error.ts";
import { sessionLogLine, sessionOutputLine } from "./session-log-line.ts";
import type { SessionJob, SessionMetadata, WorkerMessage, WorkerReply, WorkerRequest } from "./session-protocol.ts";

const WORKER = join(import.meta.dir, "session-worker.ts");

/** The largest read one request may ask for. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** memflow's default: what a plugin tells its user, without its debugging. */
export const DEFAULT_PLUGIN_LOG_LEVEL: LevelFilter = "info";

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: SessionError) => void };
type RequestBody = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

interface SessionListener {
  /** A plugin's log record. */
  log(record: PluginLogRecord): void;
  /** A stdout line that is no message: a plugin writing to stdout itself. */
  output(line: string): void;
  /** The worker process is gone. */
  end(): void;
}

class Session {
  readonly #child: Subprocess<"pipe", "pipe", "pipe">;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #ended: string | undefined;
  readonly ready: Promise<SessionMetadata>;

  constructor(job: SessionJob, listener: SessionListener) {
    this.#child = Bun.spawn([process.execPath, WORKER, JSON.stringify(job)], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    let settleReady: { resolve: (m: SessionMetadata) => void; reject: (e: SessionError) => void } | undefined;
    this.ready = new Promise((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    const stderr = new Response(this.#child.stderr).text();
    this.#readMessages(listener.output, (message) => {
      if ("log" in message) listener.log(message.log);
      else if ("ready" in message) settleReady?.resolve(message.ready);
      else if ("failed" in message) settleReady?.reject(new SessionError("chain-failed", message.failed));
      else {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve(message);
      }
    }).catch((error: unknown) => {
      // The plugin owns the worker's stdout as much as the worker does: whatever it sends that
      // cannot be handled ends this session, never the server.
      this.#ended ??= `the session process broke the protocol: ${String(error)}`;
      this.#child.kill("SIGKILL");
    });
    void this.#child.exited.then(async (code) => {
      const signal = this.#child.signalCode;
      this.#ended ??=
        signal !== null
          ? `the plugin crashed: its session process was killed by ${signal}`
          : `the session process exited with code ${code}${(await stderr).trim() ? `: ${(await stderr).trim().split("\n").at(-1)}` : ""}`;
      const error = new SessionError("plugin-crashed", this.#ended);
      settleReady?.reject(error);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
      listener.end();
    });
  }

  async #readMessages(stray: (line: string) => void, handle: (message: WorkerMessage) => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of this.#child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() === "") continue;
        const message = parseMessage(line);
        if (message === undefined) stray(line);
        else handle(message);
      }
    }
  }

  request(body: RequestBody): Promise<WorkerReply> {
    if (this.#ended !== undefined) return Promise.reject(new SessionError("plugin-crashed", this.#ended));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
      this.#child.stdin.flush();
    });
  }

  kill(): void {
    this.#ended ??= "the session was closed";
    this.#child.kill("SIGKILL");
  }
}

/** A message, or undefined for a line a plugin printed (its text must not end the server). */
function parseMessage(line: string): WorkerMessage | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as WorkerMessage) : undefined;
  } catch {
    return undefined;
  }
}

function failedReply(reply: WorkerReply): never {
  throw new SessionError("memory-error", "error" in reply ? reply.error : "unexpected reply from the session process");
}

export interface SessionPoolOptions {
  /** Receives one line per plugin log record (or stray stdout line), naming the session. */
  log?: ((line: string) => void) | undefined;
  /** The most verbose plugin log record passed on (default info). */
  logLevel?: LevelFilter | undefined;
  /** Sessions open at once (default 8). */
  maxSessions?: number | undefined;
}

export class SessionPool {
  readonly #sessions = new Map<string, Session>();
  readonly #source: InventorySource;
  readonly #log: (line: string) => void;
  readonly #logLevel: LevelFilter;
  readonly #maxSessions: number;

  constructor(source: InventorySource, options: SessionPoolOptions = {}) {
    this.#source = source;
    this.#log = options.log ?? (() => {});
    this.#logLevel = options.logLevel ?? DEFAULT_PLUGIN_LOG_LEVEL;
    this.#maxSessions = options.maxSessions ?? 8;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Starts a worker for `chain` and waits until its connector is built. */
  async open(chain: string[]): Promise<{ id: string; metadata: SessionMetadata }> {
    if (this.#sessions.size >= this.#maxSessions) {
      throw new SessionError("too-many-sessions", `at most ${this.#maxSessions} sessions may be open; close one first`);
    }
    const id = crypto.randomUUID();
    const session = new Session(
      { ...this.#source, chain, logLevel: this.#logLevel },
      {
        log: (record) => this.#log(sessionLogLine(id, record)),
        output: (line) => this.#log(sessionOutputLine(id, line)),
        end: () => this.#sessions.delete(id),
      },
    );
    this.#sessions.set(id, session);
    try {
      return { id, metadata: await session.ready };
    } catch (error) {
      this.#sessions.delete(id);
      session.kill();
      throw error;
    }
  }

  #get(id: string): Session {
    const session = this.#sessions.get(id);
    if (!session) throw new SessionError("not-found", `no open session ${id} (closed, crashed or never opened)`);
    return session;
  }

  async read(id: string, address: bigint, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(length) || length < 1 || length > MAX_READ_BYTES) {
      throw new SessionError("invalid-read", `length must be between 1 and ${MAX_READ_BYTES}`);
    }
    const reply = await this.#get(id).request({ op: "read", address: `0x${address.toString(16)}`, length });
    if (!("data" in reply)) failedReply(reply);
    return Buffer.from(reply.data, "base64");
  }

  async metadata(id: string): Promise<SessionMetadata> {
    const reply = await this.#get(id).request({ op: "metadata" });
    if (!("metadata" in reply)) failedReply(reply);
    return reply.metadata;
  }

  async close(id: string): Promise<void> {
    const session = this.#get(id);
    this.#sessions.delete(id);
    await session.request({ op: "close" }).catch(() => undefined);
    session.kill();
  }

  closeAll(): void {
    for (const session of this.#sessions.values()) session.kill();
    this.#sessions.clear();
  }
}

/**
 * One connector session: its worker process, the line protocol to it, and the deadlines on what
 * it is asked. A worker that dies (a plugin that segfaults, aborts or is killed) or misses a
 * deadline ends its session: the waiting requests and every later one fail with the reason, and
 * the process is killed. The pool decides what a session may run; this file only runs it.
 */
import { join } from "node:path";
import { childModuleCommand, type PluginLogRecord } from "@memflow-ts/core";
import type { Subprocess } from "bun";
import { SessionError } from "./session-error.ts";
import type { SessionJob, SessionReady, WorkerMessage, WorkerReply, WorkerRequest } from "./session-protocol.ts";

const WORKER = join(import.meta.dir, "session-worker.ts");

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: SessionError) => void };
export type RequestBody = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

export interface SessionListener {
  /** A plugin's log record. */
  log(record: PluginLogRecord): void;
  /** A stdout line that is no message: a plugin writing to stdout itself. */
  output(line: string): void;
  /** The session is over (closed, crashed, timed out); called once. */
  end(reason: SessionError): void;
}

export interface SessionStart {
  job: SessionJob;
  /** The worker's working folder, where relative paths of the chain were checked. */
  cwd: string;
  /** The chain's plugins, to name in a timeout. */
  plugins: readonly string[];
  createTimeoutMs: number;
}

const pluginsNamed = (plugins: readonly string[]) =>
  plugins.length === 1 ? `the plugin ${plugins[0]}` : `the plugins ${plugins.join(", ")}`;

/** The end of a session whose plugins did not finish `call` in time, naming them. */
function timedOut(call: string, ms: number, plugins: readonly string[]): SessionError {
  const who = pluginsNamed(plugins);
  return new SessionError("timed-out", `${who} did not finish ${call} within ${ms} ms: its session process was killed`);
}

export class Session {
  readonly #child: Subprocess<"pipe", "pipe", "pipe">;
  readonly #pending = new Map<number, Pending>();
  readonly #plugins: readonly string[];
  readonly #listener: SessionListener;
  #nextId = 1;
  #ended: SessionError | undefined;
  #settleReady: { resolve: (ready: SessionReady) => void; reject: (error: SessionError) => void } | undefined;
  readonly ready: Promise<SessionReady>;

  constructor({ job, cwd, plugins, createTimeoutMs }: SessionStart, listener: SessionListener) {
    this.#plugins = plugins;
    this.#listener = listener;
    const { cmd, env } = childModuleCommand(WORKER, [JSON.stringify(job)]);
    this.#child = Bun.spawn(cmd, {
      cwd,
      env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    this.ready = new Promise((resolve, reject) => {
      this.#settleReady = { resolve, reject };
    });
    const deadline = setTimeout(() => this.end(timedOut("create", createTimeoutMs, plugins)), createTimeoutMs);
    void this.ready.then(
      () => clearTimeout(deadline),
      () => clearTimeout(deadline),
    );
    const stderr = new Response(this.#child.stderr).text();
    this.#readMessages(listener.output, (message) => {
      if ("log" in message) listener.log(message.log);
      else if ("ready" in message) this.#settleReady?.resolve(message.ready);
      else if ("failed" in message) this.end(new SessionError("chain-failed", message.failed));
      else {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        pending?.resolve(message);
      }
    }).catch((error: unknown) => {
      // The plugin owns the worker's stdout as much as the worker does: whatever it sends that
      // cannot be handled ends this session, never the server.
      this.end(new SessionError("plugin-crashed", `the session process broke the protocol: ${String(error)}`));
    });
    void this.#child.exited.then(async (code) => {
      const signal = this.#child.signalCode;
      // A request in flight was served by the chain's last step; a crash before is the chain's.
      const who = pluginsNamed(this.#pending.size > 0 ? plugins.slice(-1) : plugins);
      const last = (await stderr).trim().split("\n").at(-1);
      this.end(
        new SessionError(
          "plugin-crashed",
          signal !== null
            ? `${who} crashed: its session process was killed by ${signal}`
            : `the session process exited with code ${code}${last ? `: ${last}` : ""}`,
        ),
      );
    });
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** Whether a request is waiting for the worker. */
  get busy(): boolean {
    return this.#pending.size > 0;
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

  /** Sends a request; a worker that has not answered after `timeoutMs` is killed, ending the session. */
  request(body: RequestBody, timeoutMs: number): Promise<WorkerReply> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    const id = this.#nextId++;
    // Requests are served by the chain's last step, a connector.
    const served = this.#plugins.slice(-1);
    const deadline = setTimeout(() => this.end(timedOut(body.op, timeoutMs, served)), timeoutMs);
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
      this.#child.stdin.flush();
    }).finally(() => clearTimeout(deadline));
  }

  /**
   * Ends the session with `reason` (the first reason given wins): fails what waits, kills the
   * worker and tells the listener. Safe to call again.
   */
  end(reason: SessionError): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#child.kill("SIGKILL");
    this.#settleReady?.reject(reason);
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
    this.#listener.end(reason);
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

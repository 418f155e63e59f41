/**
 * Connector sessions for the inventory API, each in its own worker process (session.ts). The pool
 * decides what may run (the operator's ChainPolicy), how many run at once, how long each call may
 * take and how long a session may sit unused; operators list and close sessions through it. What
 * a session's plugins log reaches the server's log, one line per record, naming the session, and
 * so does how each session ended.
 */
import { type LevelFilter, MemflowError } from "@memflow-ts/core";
import { printable } from "@memflow-ts/core/plugin-files";
import { ChainPolicy } from "./chain-policy.ts";
import type { InventorySource } from "./local-inventory.ts";
import { memflowErrorOf, type OsReply, type OsRequest, type ProcessSelector } from "./os-protocol.ts";
import type { OsInfoJson } from "./os-schemas.ts";
import { PathConfinement } from "./path-confinement.ts";
import { type RequestBody, Session } from "./session.ts";
import { SessionError } from "./session-error.ts";
import { sessionLogLine, sessionOutputLine } from "./session-log-line.ts";
import type { SessionMetadata, WorkerReply } from "./session-protocol.ts";

/** How many ended sessions' reasons are kept. */
const REMEMBERED_ENDINGS = 64;

/** The largest read or write one request may ask for. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** memflow's default: what a plugin tells its user, without its debugging. */
export const DEFAULT_PLUGIN_LOG_LEVEL: LevelFilter = "info";

export interface SessionLimits {
  /** Sessions open (or opening) at once. */
  maxSessions: number;
  /** How long building a chain (the plugins' `create`) may take. */
  createTimeoutMs: number;
  /** How long one read, write or metadata request may take. */
  requestTimeoutMs: number;
  /** How long a session may go unused before it is closed. */
  idleTimeoutMs: number;
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = Object.freeze({
  maxSessions: 8,
  // A real connector may map a machine's memory, an OS layer scan it: seconds, not minutes.
  createTimeoutMs: 30_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 5 * 60_000,
});

export interface SessionPoolOptions extends Partial<SessionLimits> {
  /** Receives one line per plugin log record (or stray stdout line) and per session that ends. */
  log?: ((line: string) => void) | undefined;
  /** The most verbose plugin log record passed on (default info). */
  logLevel?: LevelFilter | undefined;
  /** What sessions may start (default: nothing, so every session is refused). */
  policy?: ChainPolicy | undefined;
}

/** A session as an operator sees it (`GET /api/inventory/sessions`). */
export interface SessionInfo {
  id: string;
  chain: string;
  plugins: readonly string[];
  state: "opening" | "open";
  writable: boolean;
  pid: number;
  opened_at: string;
  last_used_at: string;
  age_ms: number;
  idle_ms: number;
}

interface Entry {
  readonly session: Session;
  readonly chain: readonly string[];
  readonly plugins: readonly string[];
  readonly writable: boolean;
  readonly openedAt: number;
  /** The OS's info when the chain ends with one; set once the session is open. */
  os: OsInfoJson | null;
  state: "opening" | "open";
  lastUsedAt: number;
  /** Requests in flight; the idle clock runs only at zero. */
  users: number;
  idle: ReturnType<typeof setTimeout> | undefined;
}

const closed = (why: string) => new SessionError("plugin-crashed", why);

function failedReply(reply: WorkerReply): never {
  throw new SessionError("memory-error", "error" in reply ? reply.error : "unexpected reply from the session process");
}

export class SessionPool {
  readonly #sessions = new Map<string, Entry>();
  /** Why the last sessions ended, so a later request (a page reloaded after a crash) hears it. */
  readonly #endings = new Map<string, string>();
  readonly #source: InventorySource;
  readonly #log: (line: string) => void;
  readonly #logLevel: LevelFilter;
  readonly #policy: ChainPolicy;
  readonly limits: Readonly<SessionLimits>;

  constructor(source: InventorySource, options: SessionPoolOptions = {}) {
    this.#source = source;
    this.#log = options.log ?? (() => {});
    this.#logLevel = options.logLevel ?? DEFAULT_PLUGIN_LOG_LEVEL;
    this.#policy = options.policy ?? new ChainPolicy([], new PathConfinement([]));
    const { maxSessions, createTimeoutMs, requestTimeoutMs, idleTimeoutMs } = { ...DEFAULT_SESSION_LIMITS, ...options };
    this.limits = { maxSessions, createTimeoutMs, requestTimeoutMs, idleTimeoutMs };
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Starts a worker for `chain`, if the policy allows it, and waits until its connector is built.
   * A client that goes away meanwhile (`signal`) ends the session, so its slot is not held.
   */
  async open(
    chain: string[],
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<{ id: string; metadata: SessionMetadata | null; os: OsInfoJson | null; writable: boolean }> {
    const { plugins, writable } = this.#policy.check(chain);
    if (this.#sessions.size >= this.limits.maxSessions) {
      throw new SessionError(
        "too-many-sessions",
        `at most ${this.limits.maxSessions} sessions may be open; close one first`,
      );
    }
    const id = crypto.randomUUID();
    const session = new Session(
      {
        job: { ...this.#source, chain, logLevel: this.#logLevel, writable },
        cwd: this.#policy.confinement.workingDirectory,
        plugins,
        createTimeoutMs: this.limits.createTimeoutMs,
      },
      {
        log: (record) => this.#log(sessionLogLine(id, record)),
        output: (line) => this.#log(sessionOutputLine(id, line)),
        end: (reason) => this.#ended(id, reason),
      },
    );
    const now = Date.now();
    const entry: Entry = {
      session,
      chain,
      plugins,
      writable,
      openedAt: now,
      lastUsedAt: now,
      os: null,
      state: "opening",
      users: 0,
      idle: undefined,
    };
    this.#sessions.set(id, entry);
    this.#log(`session ${id}: opening ${shortened(printable(chain.join(" ")))} (worker pid ${session.pid})`);
    const gone = () => session.end(closed("the client went away while the session was opening"));
    options.signal?.addEventListener("abort", gone, { once: true });
    if (options.signal?.aborted) gone();
    try {
      const { metadata, os } = await session.ready;
      entry.state = "open";
      entry.os = os;
      this.#startIdleClock(entry);
      return { id, metadata, os, writable };
    } finally {
      options.signal?.removeEventListener("abort", gone);
    }
  }

  #ended(id: string, reason: SessionError): void {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return;
    clearTimeout(entry.idle);
    this.#sessions.delete(id);
    this.#endings.set(id, reason.message);
    if (this.#endings.size > REMEMBERED_ENDINGS) this.#endings.delete(this.#endings.keys().next().value ?? "");
    this.#log(`session ${id}: ended: ${printable(reason.message)}`);
  }

  #startIdleClock(entry: Entry): void {
    const ms = this.limits.idleTimeoutMs;
    entry.idle = setTimeout(() => entry.session.end(closed(`closed after ${ms} ms unused`)), ms);
    // The clock alone must not keep a process alive.
    entry.idle.unref();
  }

  #get(id: string): Entry {
    const entry = this.#sessions.get(id);
    if (entry) return entry;
    const ending = this.#endings.get(id);
    throw new SessionError(
      "not-found",
      ending === undefined
        ? `no open session ${id} (closed, crashed or never opened)`
        : `session ${id} has ended: ${ending}`,
    );
  }

  /** Sends one request with the request deadline, holding the idle clock meanwhile. */
  async #request(id: string, body: RequestBody, check: (entry: Entry) => void = () => {}): Promise<WorkerReply> {
    const entry = this.#get(id);
    if (entry.state === "opening") throw new SessionError("not-found", `session ${id} is still opening`);
    check(entry);
    clearTimeout(entry.idle);
    entry.users += 1;
    try {
      return await entry.session.request(body, this.limits.requestTimeoutMs);
    } finally {
      entry.users -= 1;
      entry.lastUsedAt = Date.now();
      if (entry.users === 0 && this.#sessions.get(id) === entry) this.#startIdleClock(entry);
    }
  }

  async read(id: string, address: bigint, length: number): Promise<Uint8Array> {
    checkLength(length);
    const reply = await this.#request(id, { op: "read", address: `0x${address.toString(16)}`, length });
    if (!("data" in reply)) failedReply(reply);
    return Buffer.from(reply.data, "base64");
  }

  /** Writes `bytes`, if the policy lets every plugin of the session's chain write. */
  async write(id: string, address: bigint, bytes: Uint8Array): Promise<void> {
    checkLength(bytes.byteLength);
    const data = Buffer.from(bytes).toString("base64");
    const reply = await this.#request(id, { op: "write", address: `0x${address.toString(16)}`, data }, checkWritable);
    if (!("written" in reply)) failedReply(reply);
  }

  async metadata(id: string): Promise<SessionMetadata | null> {
    const reply = await this.#request(id, { op: "metadata" });
    if (!("metadata" in reply)) failedReply(reply);
    return reply.metadata;
  }

  /**
   * Asks the OS at the end of the session's chain (os-protocol.ts). memflow's errors come back as
   * the MemflowError the plugin returned (ProcessNotFound, ModuleNotFound, PartialData …).
   */
  async os(id: string, body: OsRequestBody): Promise<Exclude<OsReply, { error: string }>> {
    if (body.op === "virtual-read" || body.op === "virtual-write") {
      checkLength(body.op === "virtual-read" ? body.length : Buffer.byteLength(body.data, "base64"));
    }
    const reply = await this.#request(id, body, (entry) => {
      if (entry.os === null) {
        throw new SessionError(
          "not-an-os",
          `session ${id} reads physical memory only: open a session whose chain ends with an OS (-o), e.g. -c dummy -o dummy`,
        );
      }
      if (body.op === "virtual-write") checkWritable(entry);
    });
    if ("error" in reply) {
      if ("memflow" in reply && reply.memflow !== undefined) throw memflowErrorOf(reply.memflow);
      // Anything else the worker caught is a fault of a plugin or of the worker, not of the request.
      throw new MemflowError("Other", "Unknown", reply.error);
    }
    if ("value" in reply || "unreadable" in reply) return reply;
    throw unexpectedReply();
  }

  /** The JSON body (os-schemas.ts) the OS's answer to `body` carries. */
  async osValue(id: string, body: Exclude<OsRequestBody, { op: "virtual-read" }>): Promise<unknown> {
    const reply = await this.os(id, body);
    if (!("value" in reply)) throw unexpectedReply();
    return reply.value;
  }

  /** A process's virtual memory: the bytes (unreadable ones zero), the stretches that could not be read, the pid. */
  async virtualRead(id: string, process: ProcessSelector, address: bigint, length: number) {
    const reply = await this.os(id, { op: "virtual-read", process, address: `0x${address.toString(16)}`, length });
    if (!("data" in reply)) throw unexpectedReply();
    return { pid: reply.pid, bytes: Buffer.from(reply.data, "base64"), unreadable: reply.unreadable };
  }

  /** Every session, opening ones too, oldest first. */
  list(): SessionInfo[] {
    const now = Date.now();
    return [...this.#sessions].map(([id, entry]) => ({
      id,
      chain: entry.chain.join(" "),
      plugins: entry.plugins,
      state: entry.state,
      writable: entry.writable,
      pid: entry.session.pid,
      opened_at: new Date(entry.openedAt).toISOString(),
      last_used_at: new Date(entry.lastUsedAt).toISOString(),
      age_ms: now - entry.openedAt,
      idle_ms: entry.users > 0 ? 0 : now - entry.lastUsedAt,
    }));
  }

  /**
   * Closes a session, opening or open: an idle one lets its plugins clean up first (within the
   * request deadline); a busy or opening one is killed at once, since its plugin is not answering.
   */
  async close(id: string): Promise<void> {
    const { session, state } = this.#get(id);
    if (state === "open" && !session.busy) {
      await session.request({ op: "close" }, this.limits.requestTimeoutMs).catch(() => undefined);
    }
    session.end(closed("closed on request"));
  }

  closeAll(): void {
    for (const { session } of [...this.#sessions.values()]) session.end(closed("the server is stopping"));
  }
}

type OsRequestBody = Extract<RequestBody, { op: OsRequest["op"] }>;

/** A worker that answered with something else than was asked broke the protocol. */
function unexpectedReply(): SessionError {
  return new SessionError("plugin-crashed", "the session process answered with something else than was asked");
}

function checkWritable(entry: Entry): void {
  if (entry.writable) return;
  throw new SessionError(
    "not-allowed",
    `this session may not write: writes need every plugin of its chain (${entry.plugins.join(", ")}) ` +
      "allowed to write (--inventory-plugin <name>:write, MEMFLOW_TS_INVENTORY_PLUGINS)",
  );
}

/** A client's chain as the log shows it: whole up to a few hundred characters. */
function shortened(text: string): string {
  return text.length <= 300 ? text : `${text.slice(0, 300)}…`;
}

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_READ_BYTES) {
    throw new SessionError("invalid-read", `length must be between 1 and ${MAX_READ_BYTES}`);
  }
}

/**
 * Log records from native plugins. Plugins log through memflow's `PluginLogger`, possibly from
 * their own threads, where no JavaScript may run: the shim queues each record natively, and the
 * hub drains the queue on the JavaScript thread (after every call into a plugin, and on a timer)
 * and hands each record to the sinks that subscribed.
 *
 * The hub is one per process, as memflow's logger is: a plugin's log call carries no handle to
 * the logger it came through, so the shim has one queue and one native level, and a record
 * cannot be traced to the plugin host that loaded its plugin. Every subscription (one per host
 * with a sink) gets each record its own level admits; the native level is the most verbose of
 * them, so plugins send what at least one subscriber wants.
 */
import type { Pointer } from "bun:ffi";
import { LEVEL_FILTERS, type LevelFilter, levelFilterOrdinal, type PluginLogRecord } from "../plugin/plugin-log.ts";
import { nativeShim } from "./shim.ts";

const DRAIN_BYTES = 64 * 1024;
const DRAIN_INTERVAL_MS = 50;

/** What receives records: a plugin host, which hands them to its user's sink. */
export interface LogReceiver {
  receive(record: PluginLogRecord): void;
}

/**
 * A receiver and the most verbose level it takes. The hub holds the receiver weakly: a host that
 * is dropped without `close()` stops receiving once it is collected, even when its sink refers
 * back to the Inventory that holds it.
 */
export interface LogSubscription {
  readonly receiver: WeakRef<LogReceiver>;
  level: LevelFilter;
}

class PluginLogHub {
  readonly #subscriptions = new Set<LogSubscription>();
  readonly #loggers: Pointer[] = [];
  readonly #buffer = new Uint8Array(DRAIN_BYTES);
  readonly #dropped = new BigUint64Array(1);
  readonly #decoder = new TextDecoder();
  #timer: ReturnType<typeof setInterval> | undefined;

  subscribe(receiver: LogReceiver, level: LevelFilter): LogSubscription {
    const subscription = { receiver: new WeakRef(receiver), level };
    this.#subscriptions.add(subscription);
    this.#levelChanged();
    return subscription;
  }

  unsubscribe(subscription: LogSubscription): void {
    if (this.#subscriptions.delete(subscription)) this.#levelChanged();
  }

  setLevel(subscription: LogSubscription, level: LevelFilter): void {
    subscription.level = level;
    this.#levelChanged();
  }

  /** The most verbose level any subscriber takes: what plugins are told to send. */
  #nativeLevel(): number {
    let level = 0;
    for (const { level: wanted } of this.#subscriptions) level = Math.max(level, levelFilterOrdinal(wanted));
    return level;
  }

  /** Before the first logger exists there is nothing native to tell: loggers start at the current level. */
  #levelChanged(): void {
    if (this.#loggers.length === 0) return;
    const shim = nativeShim();
    const level = this.#nativeLevel();
    for (const logger of this.#loggers) shim.mf_logger_set_level(logger, level);
  }

  /** A new PluginLogger for one library, passed to its plugins' `create`. */
  loggerFor(): Pointer | null {
    const logger = nativeShim().mf_logger_new(this.#nativeLevel());
    if (logger === null || logger === 0) return null;
    const pointer = Number(logger) as Pointer;
    this.#loggers.push(pointer);
    // Plugin threads may log at any time; collect their records even while JavaScript is idle.
    this.#timer ??= setInterval(() => this.drain(), DRAIN_INTERVAL_MS);
    this.#timer.unref?.();
    return pointer;
  }

  /** Delivers every queued record to the subscribers whose level takes it. */
  drain(): void {
    if (this.#loggers.length === 0) return;
    const shim = nativeShim();
    for (;;) {
      const length = Number(shim.mf_log_drain(this.#buffer, this.#buffer.length, this.#dropped));
      if (this.#dropped[0] !== 0n) {
        this.#deliver({
          level: "warn",
          target: "memflow-ts",
          message: `${this.#dropped[0]} plugin log records were dropped (the queue was full)`,
          modulePath: undefined,
          file: undefined,
          line: undefined,
        });
      }
      if (length === 0) return;
      this.#decode(length);
    }
  }

  #deliver(record: PluginLogRecord): void {
    const level = levelFilterOrdinal(record.level);
    for (const subscription of this.#subscriptions) {
      const receiver = subscription.receiver.deref();
      if (receiver === undefined) this.unsubscribe(subscription);
      else if (level <= levelFilterOrdinal(subscription.level)) receiver.receive(record);
    }
  }

  #decode(length: number): void {
    const view = new DataView(this.#buffer.buffer, 0, length);
    let at = 0;
    const text = () => {
      const size = view.getUint32(at, true);
      const value = this.#decoder.decode(this.#buffer.subarray(at + 4, at + 4 + size));
      at += 4 + size;
      return value;
    };
    while (at < length) {
      const level = LEVEL_FILTERS[view.getUint32(at, true)] ?? "trace";
      const line = view.getUint32(at + 4, true);
      at += 8;
      const target = text();
      const message = text();
      const modulePath = text();
      const file = text();
      this.#deliver({
        level: level === "off" ? "error" : level,
        target,
        message,
        modulePath: modulePath || undefined,
        file: file || undefined,
        line: line || undefined,
      });
    }
  }
}

let hub: PluginLogHub | undefined;

/** The process's hub, made on first use. */
export function pluginLogHub(): PluginLogHub {
  hub ??= new PluginLogHub();
  return hub;
}

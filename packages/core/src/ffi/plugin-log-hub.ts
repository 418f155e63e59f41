/**
 * Log records from native plugins. Plugins log through memflow's `PluginLogger`, possibly from
 * their own threads, where no JavaScript may run: the shim queues each record natively, and this
 * hub drains the queue on the JavaScript thread (after every call into a plugin, and on a timer)
 * and hands the records to the host's sink.
 */
import type { Pointer } from "bun:ffi";
import { LEVEL_FILTERS, type LevelFilter, type LogSink, levelFilterOrdinal } from "../plugin/plugin-log.ts";
import { nativeShim } from "./shim.ts";

const DRAIN_BYTES = 64 * 1024;
const DRAIN_INTERVAL_MS = 50;

export class PluginLogHub {
  readonly #sink: LogSink;
  readonly #loggers: Pointer[] = [];
  readonly #buffer = new Uint8Array(DRAIN_BYTES);
  readonly #dropped = new BigUint64Array(1);
  readonly #decoder = new TextDecoder();
  #level: LevelFilter;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(sink: LogSink, level: LevelFilter) {
    this.#sink = sink;
    this.#level = level;
  }

  get level(): LevelFilter {
    return this.#level;
  }

  /** A new PluginLogger for one library, passed to its plugins' `create`. */
  loggerFor(): Pointer | null {
    const logger = nativeShim().mf_logger_new(levelFilterOrdinal(this.#level));
    if (logger === null || logger === 0) return null;
    const pointer = Number(logger) as Pointer;
    this.#loggers.push(pointer);
    // Plugin threads may log at any time; collect their records even while JavaScript is idle.
    this.#timer ??= setInterval(() => this.drain(), DRAIN_INTERVAL_MS);
    this.#timer.unref?.();
    return pointer;
  }

  /**
   * memflow's `set_max_log_level`: the host's level, passed on to every plugin that listens. Before
   * the first logger exists there is nothing native to tell: loggers start at the hub's level.
   */
  setLevel(level: LevelFilter): void {
    this.#level = level;
    if (this.#loggers.length === 0) return;
    const shim = nativeShim();
    const number = levelFilterOrdinal(level);
    for (const logger of this.#loggers) shim.mf_logger_set_level(logger, number);
  }

  /** Delivers every queued record to the sink. */
  drain(): void {
    const shim = nativeShim();
    for (;;) {
      const length = Number(shim.mf_log_drain(this.#buffer, this.#buffer.length, this.#dropped));
      if (this.#dropped[0] !== 0n) {
        this.#sink({
          level: "warn",
          target: "memflow-ts",
          message: `${this.#dropped[0]} plugin log records were dropped (the queue was full)`,
          modulePath: undefined,
          file: undefined,
          line: undefined,
        });
      }
      if (length === 0) return;
      this.#deliver(length);
    }
  }

  #deliver(length: number): void {
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
      this.#sink({
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

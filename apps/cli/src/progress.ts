/**
 * Download progress on one status line of stderr, like memflowup's indicatif bar but shared by
 * parallel downloads: `[#####>-----] 1.2 MiB/3.4 MiB (850.0 KiB/s) coredump, qemu`. Drawn only when stderr is
 * a terminal (never into logs or pipes), at most ten times a second; `clear()` erases it before
 * other output is printed.
 */
import { printable } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "./io.ts";

export interface DownloadProgress {
  /** A progress callback for one download, shown under `label`. */
  track(label: string): (received: number, total: number | undefined) => void;
  /** The download under `label` is over (finished or failed). */
  done(label: string): void;
  /** Erases the status line; the next update draws it again. */
  clear(): void;
}

const WIDTH = 30;
const INTERVAL_MS = 100;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function downloadProgress(context: CliContext): DownloadProgress {
  if (!context.stderr.isTTY) return { track: () => () => {}, done: () => {}, clear: () => {} };
  const active = new Map<string, { received: number; total: number | undefined }>();
  let drawn = false;
  let last = 0;
  // For the rate: every byte received since the first download started, finished ones included.
  let started: number | undefined;
  let transferred = 0;
  const clear = () => {
    if (drawn) context.stderr.write("\r\x1b[2K");
    drawn = false;
  };
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < INTERVAL_MS) return;
    last = now;
    if (active.size === 0) return clear();
    let received = 0;
    let total = 0;
    let known = true;
    for (const entry of active.values()) {
      received += entry.received;
      if (entry.total === undefined) known = false;
      else total += entry.total;
    }
    const filled = known && total > 0 ? Math.min(WIDTH, Math.floor((received / total) * WIDTH)) : 0;
    const bar = known
      ? `[${"#".repeat(filled)}${filled < WIDTH ? ">" : ""}${"-".repeat(Math.max(0, WIDTH - filled - 1))}]`
      : "[downloading]";
    const amount = known ? `${size(received)}/${size(total)}` : size(received);
    const seconds = started === undefined ? 0 : (now - started) / 1000;
    const rate = seconds > 0.2 ? ` (${size(Math.round(transferred / seconds))}/s)` : "";
    // Labels name plugins, which a registry names: escaped.
    context.stderr.write(`\r\x1b[2K${bar} ${amount}${rate} ${printable([...active.keys()].join(", "))}`);
    drawn = true;
  };
  return {
    track: (label) => (received, total) => {
      started ??= Date.now();
      transferred += Math.max(0, received - (active.get(label)?.received ?? 0));
      active.set(label, { received, total });
      draw(false);
    },
    done: (label) => {
      active.delete(label);
      clear();
      draw(true);
    },
    clear,
  };
}

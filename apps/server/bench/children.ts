/**
 * The benchmark's child processes (servers, wrk, the upload load): started here, and all killed
 * when the benchmark ends or is interrupted, so none outlives it.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { LISTEN_PORT_VARIABLE } from "./listen-port.ts";

const children = new Set<Subprocess>();
const folders = new Set<string>();

/** Tracks a child until the returned function is called. */
export function track(child: Subprocess): () => void {
  children.add(child);
  return () => children.delete(child);
}

/** A folder removed when the benchmark ends. */
export function removeAtEnd(folder: string): void {
  folders.add(folder);
}

export function cleanUp(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

/** A child's stdout, line by line. */
export class Lines {
  readonly #reader: { read(): Promise<{ value?: Uint8Array; done: boolean }> };
  readonly #decoder = new TextDecoder();
  readonly #what: string;
  #text = "";

  constructor(child: Subprocess<"pipe", "pipe", "inherit">, what: string) {
    this.#reader = child.stdout.getReader();
    this.#what = what;
  }

  /** The next line, without its newline; throws when the child ends first. */
  async next(): Promise<string> {
    while (!this.#text.includes("\n")) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`${this.#what} ended its output before a whole line`);
      this.#text += this.#decoder.decode(value, { stream: true });
    }
    const end = this.#text.indexOf("\n");
    const line = this.#text.slice(0, end);
    this.#text = this.#text.slice(end + 1);
    return line.trim();
  }
}

/**
 * Starts `bench/<script>` in its own Bun process. stdin stays an open pipe: the child exits when it
 * closes, should this process die unannounced.
 */
export function startScript(script: string, args: readonly string[], port = 0): Subprocess<"pipe", "pipe", "inherit"> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, script), ...args], {
    env: { ...process.env, [LISTEN_PORT_VARIABLE]: String(port) },
    cwd: join(import.meta.dir, ".."),
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  track(child);
  return child;
}

/**
 * Starts a server script on `port` of 127.0.0.1 (0: any), resolving with its base URL once it
 * prints the port.
 */
export async function startServer(
  script: string,
  args: readonly string[],
  port = 0,
): Promise<{ url: string; pid: number }> {
  const child = startScript(script, args, port);
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const text = await new Lines(child, script).next().finally(() => clearTimeout(timeout));
  const listening = Number(text);
  if (!Number.isInteger(listening) || listening <= 0) {
    throw new Error(`${script} printed ${JSON.stringify(text)}, not a port`);
  }
  return { url: `http://127.0.0.1:${listening}`, pid: child.pid };
}

/** The peak resident memory of a process so far (VmHWM), in bytes; Linux only, else NaN. */
export async function peakMemory(pid: number): Promise<number> {
  try {
    const status = await Bun.file(`/proc/${pid}/status`).text();
    const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    return kilobytes === undefined ? Number.NaN : Number(kilobytes) * 1024;
  } catch {
    return Number.NaN;
  }
}

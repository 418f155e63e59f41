/**
 * Drives a program in a real terminal: a detached tmux session of a fixed size, keys sent with
 * `send-keys`, the screen read with `capture-pane`. For interactive CLI tests (clack prompts
 * need a TTY and raw mode; piped input never submits).
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TerminalOptions {
  /** The command line to run, through `sh -c`. */
  command: string;
  cwd: string;
  env: Record<string, string>;
  width?: number;
  height?: number;
}

export class TmuxTerminal {
  readonly session: string;
  /**
   * Each terminal has a tmux server of its own, on a socket file of its own (`-S`, removed by
   * `kill`): with one shared server, a session started just as the last one was killed can meet
   * that server shutting down ("server exited unexpectedly"), and test runs in other checkouts
   * would share it too.
   */
  readonly #socket: string;
  #exited = false;

  private constructor(session: string) {
    this.session = session;
    this.#socket = join(tmpdir(), `${session}.tmux`);
  }

  static start(options: TerminalOptions): TmuxTerminal {
    const session = `memflow-ts-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // remain-on-exit keeps the pane after the program ends, so its last screen can be read.
    const exports = Object.entries(options.env)
      .map(([key, value]) => `export ${key}=${shellQuote(value)};`)
      .join(" ");
    const terminal = new TmuxTerminal(session);
    tmux(terminal.#socket, [
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      String(options.width ?? 100),
      "-y",
      String(options.height ?? 40),
      "-c",
      options.cwd,
      `${exports} ${options.command}; echo "[exit $?]"; sleep 600`,
    ]);
    return terminal;
  }

  /** Sends keys: tmux key names (`Enter`, `Down`, `Space`, `C-c`) or literal text with `literal`. */
  send(...keys: string[]): void {
    tmux(this.#socket, ["send-keys", "-t", this.session, ...keys]);
  }

  type(text: string): void {
    tmux(this.#socket, ["send-keys", "-t", this.session, "-l", text]);
  }

  /** The pane's title, as a program may have set it with an escape sequence. */
  paneTitle(): string {
    return tmux(this.#socket, ["display-message", "-p", "-t", this.session, "#{pane_title}"]);
  }

  screen(): string {
    return tmux(this.#socket, ["capture-pane", "-p", "-t", this.session, "-S", "-200"]);
  }

  /** Waits until the screen matches, or throws with the screen after `timeoutMs`. */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof pattern === "string" ? screen.includes(pattern) : pattern.test(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${String(pattern)}; the screen was:\n${screen}`);
      }
      await Bun.sleep(100);
    }
  }

  /** Waits for the program to end; its exit code. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(screen)?.[1]);
  }

  kill(): void {
    if (this.#exited) return;
    this.#exited = true;
    Bun.spawnSync(["tmux", "-S", this.#socket, "kill-server"], { stderr: "ignore" });
    rmSync(this.#socket, { force: true });
  }
}

function tmux(socket: string, args: string[]): string {
  const run = Bun.spawnSync(["tmux", "-S", socket, ...args], { stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr.toString().trim()}`);
  return run.stdout.toString();
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

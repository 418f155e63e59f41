/**
 * Drives a program in a real terminal: a detached tmux session of a fixed size, keys sent with
 * `send-keys`, the screen read with `capture-pane`. For interactive CLI tests (clack prompts
 * need a TTY and raw mode; piped input never submits).
 */

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
  #exited = false;

  private constructor(session: string) {
    this.session = session;
  }

  static start(options: TerminalOptions): TmuxTerminal {
    const session = `memflow-ts-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // remain-on-exit keeps the pane after the program ends, so its last screen can be read.
    const exports = Object.entries(options.env)
      .map(([key, value]) => `export ${key}=${shellQuote(value)};`)
      .join(" ");
    tmux([
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
    return new TmuxTerminal(session);
  }

  /** Sends keys: tmux key names (`Enter`, `Down`, `Space`, `C-c`) or literal text with `literal`. */
  send(...keys: string[]): void {
    tmux(["send-keys", "-t", this.session, ...keys]);
  }

  type(text: string): void {
    tmux(["send-keys", "-t", this.session, "-l", text]);
  }

  screen(): string {
    return tmux(["capture-pane", "-p", "-t", this.session, "-S", "-200"]);
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
    Bun.spawnSync(["tmux", "kill-session", "-t", this.session], { stderr: "ignore" });
  }
}

function tmux(args: string[]): string {
  const run = Bun.spawnSync(["tmux", ...args], { stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr.toString().trim()}`);
  return run.stdout.toString();
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

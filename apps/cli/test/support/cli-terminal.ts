/**
 * The CLI from source in a real terminal (tmux), as a person starts it: a given HOME, this
 * PATH, an xterm, and not CI (the CLI never prompts under CI=true).
 */
import { join } from "node:path";
import { TmuxTerminal } from "../../../../tooling/testing/tmux.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

export interface CliTerminalOptions {
  readonly home: string;
  readonly cwd: string;
  readonly width?: number;
  readonly height?: number;
}

/** Starts `memflow-ts <args>` in a terminal of 120×50 unless told otherwise. */
export function cliTerminal(args: string, { home, cwd, width = 120, height = 50 }: CliTerminalOptions): TmuxTerminal {
  return TmuxTerminal.start({
    command: `${process.execPath} ${MAIN} ${args}`,
    cwd,
    env: { HOME: home, PATH: process.env.PATH ?? "", TERM: "xterm-256color", CI: "" },
    width,
    height,
  });
}

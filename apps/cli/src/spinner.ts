/**
 * A spinner on one status line of stderr, for work whose size is unknown (compiling, cloning):
 * `⠹ Building dummy (1.4 s)`. Like the download progress it is drawn only when stderr is a
 * terminal; it erases itself when the work ends, so the command's own result line is all that
 * stays.
 */
import { printable } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "./io.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const INTERVAL_MS = 80;

/** Runs `work` with a spinner labelled `label` (see above); returns or throws what it does. */
export async function withSpinner<T>(context: CliContext, label: string, work: () => Promise<T>): Promise<T> {
  if (!context.stderr.isTTY) return work();
  const started = Date.now();
  // A label may name a plugin or a folder: escaped once.
  const shown = printable(label);
  let frame = 0;
  const draw = () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    context.stderr.write(`\r\x1b[2K${FRAMES[frame % FRAMES.length]} ${shown} (${seconds} s)`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    context.stderr.write("\r\x1b[2K");
  }
}

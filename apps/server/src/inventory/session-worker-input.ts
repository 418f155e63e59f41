/**
 * The session worker's stdin, read on a thread of its own (a Worker started by
 * session-worker.ts), which posts each request line to the worker's main thread.
 *
 * It is a thread because the main thread may be stuck in a plugin (a `create` or a `read` that
 * never returns) and would never see stdin close. The server holds the only write end of this
 * pipe, so end of file means the server is gone, however it died (`kill -9` included): this
 * thread then kills the process, and no orphaned worker keeps a plugin, a device or a dump open.
 * It also posts `null` first, once it is reading, so the worker blocks in no plugin before then.
 */
import { readSync } from "node:fs";

const STDIN = 0;
const chunk = new Uint8Array(64 * 1024);
const decoder = new TextDecoder();
const pause = new Int32Array(new SharedArrayBuffer(4));
let buffered = "";

postMessage(null);
for (;;) {
  let count: number;
  try {
    count = readSync(STDIN, chunk, 0, chunk.byteLength, null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EAGAIN" && code !== "EINTR") break;
    // A non-blocking stdin has nothing yet: wait a little on this thread, which has nothing else to do.
    Atomics.wait(pause, 0, 0, 10);
    continue;
  }
  if (count === 0) break;
  buffered += decoder.decode(chunk.subarray(0, count), { stream: true });
  for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
    postMessage(buffered.slice(0, newline));
    buffered = buffered.slice(newline + 1);
  }
}
// SIGKILL, not exit(): exit() would end this thread only, and a plugin could catch SIGTERM.
process.kill(process.pid, "SIGKILL");

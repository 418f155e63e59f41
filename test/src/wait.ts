/** Waiting for servers a test started: a free port, a condition, a line of output. */

/**
 * A loopback port nothing listens on now, for servers that cannot report the port they got
 * from port 0 (Verdaccio). Another process could take it before the server binds; the server
 * then fails to start and the test says so.
 */
export async function freeLoopbackPort(): Promise<number> {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** Polls `ready` every 100 ms until it answers true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
    await Bun.sleep(100);
  }
}

/**
 * Reads `stream` until a line matches `pattern`; the match, or an error with what was read. The
 * rest of the stream is drained in the background, so the writer never blocks on a full pipe.
 */
export async function waitForLine(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<RegExpExecArray> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the output ended without a line matching ${pattern}:\n${text}`);
    text += decoder.decode(value, { stream: true });
    const match = text
      .split("\n")
      .map((line) => pattern.exec(line))
      .find((found) => found !== null);
    if (match) {
      void drain(reader);
      return match;
    }
  }
}

async function drain(reader: { read(): Promise<{ done: boolean }> }): Promise<void> {
  while (!(await reader.read()).done) {
    // discard
  }
}

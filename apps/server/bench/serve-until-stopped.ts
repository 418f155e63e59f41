/**
 * How every server script of the benchmarks ends: on SIGINT/SIGTERM, or when its stdin closes (the
 * benchmark died without cleaning up); `stop` runs once, then the process exits.
 */
export function serveUntilStopped(stop: () => Promise<void>): void {
  let stopping = false;
  const stopOnce = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stopOnce);
  (async () => {
    for await (const _ of Bun.stdin.stream()) {
      // Nothing is sent; the loop ends when the parent goes away.
    }
    await stopOnce();
  })();
}

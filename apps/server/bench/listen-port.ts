/**
 * The benchmarks' loopback ports: fixed ones from the environment, so runs can be repeated and
 * compared, or ephemeral ones when none are given. No side effects, so server scripts import it.
 */

/** The variable a server script reads its port from (0: an ephemeral one). */
export const LISTEN_PORT_VARIABLE = "MEMFLOW_TS_BENCH_LISTEN_PORT";

/**
 * The loopback port of the benchmark's server number `slot` (0, 1, …): `MEMFLOW_TS_BENCH_PORT`
 * plus the slot, so runs can be repeated on the same ports and compared; 0 (an ephemeral port)
 * only when that variable is not set.
 */
export function benchPort(slot: number): number {
  const base = process.env.MEMFLOW_TS_BENCH_PORT;
  if (base === undefined || base === "") return 0;
  const port = Number(base) + slot;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`MEMFLOW_TS_BENCH_PORT=${base} gives no port for server ${slot}`);
  }
  return port;
}

/** The port a server script listens on, as its parent chose it (see `startServer`). */
export function listenPort(): number {
  return Number(process.env[LISTEN_PORT_VARIABLE] ?? 0);
}

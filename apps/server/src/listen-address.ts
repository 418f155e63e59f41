/**
 * Parses memflow-registry's `MEMFLOW_ADDR` (`host:port`), including bracketed IPv6 hosts.
 */

export interface ListenAddress {
  hostname: string;
  port: number;
}

export class ListenAddressError extends Error {
  override readonly name = "ListenAddressError";
}

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  const hostname = match?.[1] ?? match?.[2];
  if (hostname === undefined || !Number.isInteger(port) || port > 65535) {
    throw new ListenAddressError(
      `MEMFLOW_ADDR ${JSON.stringify(text)} is not host:port (for example 127.0.0.1:3000 or [::1]:3000)`,
    );
  }
  return { hostname, port };
}

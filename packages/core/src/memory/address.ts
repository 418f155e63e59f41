/**
 * Addresses in physical or virtual memory. Callers may pass a number while the address fits one
 * exactly (below 2^53), which saves a BigInt per request on hot paths; results always carry a
 * bigint, the only type that holds every 64-bit address.
 */
export type Address = number | bigint;

/** `0x1f00`: how every message names an address. */
export function formatAddress(address: Address): string {
  return `0x${address.toString(16)}`;
}

/**
 * Numbers and bytes typed on the command line: addresses and lengths in decimal or `0x` hex
 * (memflow's own argument strings use bare hex, which is ambiguous next to decimal, so the CLI
 * asks for the prefix), and byte strings in hex.
 */
import { UsageError } from "../command.ts";

const MAX_ADDRESS = (1n << 64n) - 1n;

/** A non-negative integer in decimal (`4096`) or hex with `0x` (`0x1000`), as a bigint. */
export function parseUnsigned(text: string, what: string): bigint {
  const trimmed = text.replaceAll("_", "");
  if (/^0[xX][0-9a-fA-F]+$/.test(trimmed) || /^[0-9]+$/.test(trimmed)) {
    const value = BigInt(trimmed);
    if (value <= MAX_ADDRESS) return value;
  }
  throw new UsageError(
    `${what} ${JSON.stringify(text)} is not a number: write hex with 0x (0x1000) or decimal (4096), at most 2^64-1`,
  );
}

export function parseAddress(text: string): bigint {
  return parseUnsigned(text, "address");
}

/** A length from 1 to `max` bytes. */
export function parseLength(text: string, max: number): number {
  const value = parseUnsigned(text, "length");
  if (value === 0n || value > BigInt(max)) {
    throw new UsageError(`length ${text} must be between 1 and ${max} bytes`);
  }
  return Number(value);
}

/** Checks that `[address, address + length)` fits in 64 bits. */
export function checkRange(address: bigint, length: number): void {
  if (address + BigInt(length) - 1n > MAX_ADDRESS) {
    throw new UsageError(`0x${address.toString(16)} + ${length} bytes runs past the end of the 64-bit address space`);
  }
}

/**
 * Bytes from hex text: `48656c6c6f`, `48 65 6c 6c 6f` (several arguments or one quoted), `48:65`,
 * an optional leading `0x`. Each byte is two digits.
 */
export function parseHexBytes(parts: readonly string[]): Uint8Array {
  const text = parts
    .join(" ")
    .replace(/^\s*0[xX]/, "")
    .replace(/[\s:]/g, "");
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) {
    throw new UsageError(
      `${JSON.stringify(parts.join(" "))} is not hex bytes: write two hex digits a byte, e.g. 48656c6c6f or "48 65 6c 6c 6f"`,
    );
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Addresses print as core prints them (`0x` and lower-case hex). */
export { formatAddress } from "@memflow-ts/core/inventory";

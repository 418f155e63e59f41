/**
 * Rust's `u64::from_str_radix` / `str::parse::<u64>()`, which memflow uses for every numeric
 * argument: an optional `+`, then at least one digit of the radix, nothing else, no overflow.
 * Returns undefined where Rust returns `Err`.
 */

const U64_MAX = (1n << 64n) - 1n;

export function parseRustUnsigned(text: string, radix: 10 | 16): bigint | undefined {
  const digits = text.startsWith("+") ? text.slice(1) : text;
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return undefined;
  const value = BigInt(radix === 16 ? `0x${digits}` : digits);
  return value > U64_MAX ? undefined : value;
}

/** `created_at` as chrono reads it: zone-less, a real calendar date and time, up to nanoseconds. */
import { expect, test } from "bun:test";
import { parseCreatedAt } from "../src/plugin-files.ts";

const nanoseconds = (iso: string, fraction: bigint) => BigInt(Date.parse(`${iso}Z`)) * 1_000_000n + fraction;

test("memflowup's form and chrono's other forms parse to nanoseconds since the epoch", () => {
  expect(parseCreatedAt("2024-04-06T20:49:56.440891100")).toEqual({
    text: "2024-04-06T20:49:56.440891100",
    nanoseconds: nanoseconds("2024-04-06T20:49:56", 440_891_100n),
  });
  expect(parseCreatedAt("2024-01-15 10:20:30")?.nanoseconds).toBe(nanoseconds("2024-01-15T10:20:30", 0n));
  expect(parseCreatedAt("1999-12-31T23:59:59.5")?.nanoseconds).toBe(nanoseconds("1999-12-31T23:59:59", 500_000_000n));
  // Days past the 28th are checked against the calendar, and pass when they exist.
  expect(parseCreatedAt("2024-02-29T00:00:00")?.nanoseconds).toBe(nanoseconds("2024-02-29T00:00:00", 0n));
  expect(parseCreatedAt("2023-01-31T12:00:00")?.nanoseconds).toBe(nanoseconds("2023-01-31T12:00:00", 0n));
});

test("the epoch, times before it and short fractions count their nanoseconds exactly", () => {
  expect(parseCreatedAt("1970-01-01T00:00:00")?.nanoseconds).toBe(0n);
  expect(parseCreatedAt("1970-01-01T00:00:00.000000001")?.nanoseconds).toBe(1n);
  expect(parseCreatedAt("1970-01-01T00:00:01.05")?.nanoseconds).toBe(1_050_000_000n);
  expect(parseCreatedAt("1969-12-31T23:59:59.25")?.nanoseconds).toBe(-750_000_000n);
  expect(parseCreatedAt("1900-01-01T00:00:00.123456789")?.nanoseconds).toBe(
    nanoseconds("1900-01-01T00:00:00", 123_456_789n),
  );
  expect(parseCreatedAt("9999-12-31T23:59:59.999999999")?.nanoseconds).toBe(
    nanoseconds("9999-12-31T23:59:59", 999_999_999n),
  );
});

test("dates and times that do not exist, a zone and other forms are refused", () => {
  for (const text of [
    "2023-02-29T00:00:00",
    "2024-04-31T00:00:00",
    "2024-04-00T00:00:00",
    "2024-04-06T24:00:00",
    "2024-04-06T20:60:00",
    "2024-04-06T20:49:60",
    "2024-04-06T20:49:56Z",
    "2024-04-06T20:49:56.1234567890",
    "2024-4-06T20:49:56",
    "",
  ]) {
    expect(parseCreatedAt(text)).toBeUndefined();
  }
});

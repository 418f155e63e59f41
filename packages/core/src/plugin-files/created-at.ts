/**
 * memflow's `created_at`: chrono's `NaiveDateTime` in its serde form, UTC without a zone suffix,
 * `YYYY-MM-DDTHH:MM:SS[.fraction]` (memflowup writes 9 fraction digits). Kept as the original
 * string, with nanoseconds since the epoch for ordering (a JS Date keeps only milliseconds).
 */

export interface CreatedAt {
  /** As read from `.meta`, or formatted the way chrono formats it. */
  readonly text: string;
  /** Nanoseconds since 1970-01-01T00:00:00 UTC. */
  readonly nanoseconds: bigint;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** Parses a zone-less timestamp; undefined when it is not one (a trailing `Z` included, as chrono refuses it). */
export function parseCreatedAt(text: string): CreatedAt | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  // Indexed, not destructured, and numbers made with `+`, not Number(): a listing parses 200 of
  // these, cold, where each call counts (decision 0007).
  const day = +(match[3] as string);
  const hour = +(match[4] as string);
  const minute = +(match[5] as string);
  const second = +(match[6] as string);
  const milliseconds = Date.UTC(+(match[1] as string), +(match[2] as string) - 1, day, hour, minute, second);
  if (Number.isNaN(milliseconds)) return undefined;
  // Date.UTC rolls 2024-02-31 over into March; chrono rejects it. Only a day outside 1–28 or a
  // time field past its range can roll over, so only then is the date built to check.
  if (day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) {
    const date = new Date(milliseconds);
    if (
      date.getUTCDate() !== day ||
      date.getUTCHours() !== hour ||
      date.getUTCMinutes() !== minute ||
      date.getUTCSeconds() !== second
    ) {
      return undefined;
    }
  }
  const fraction = (match[7] ?? "").padEnd(9, "0");
  // Whole seconds since the epoch, then nine fraction digits, read as one number: one BigInt
  // instead of two and their arithmetic. Before 1970 the digits would not add up so; computed.
  const nanoseconds =
    milliseconds >= 0
      ? BigInt(`${milliseconds / 1000}${fraction}`)
      : BigInt(milliseconds) * 1_000_000n + BigInt(fraction);
  return { text, nanoseconds };
}

/** Formats nanoseconds since the epoch as chrono does: 0, 3, 6 or 9 fraction digits, as needed. */
export function createdAtFromNanoseconds(nanoseconds: bigint): CreatedAt {
  const milliseconds = nanoseconds / 1_000_000n;
  const fraction = nanoseconds % 1_000_000_000n;
  const base = new Date(Number(milliseconds)).toISOString().slice(0, 19);
  let digits = fraction.toString().padStart(9, "0");
  if (fraction === 0n) digits = "";
  else if (digits.endsWith("000000")) digits = digits.slice(0, 3);
  else if (digits.endsWith("000")) digits = digits.slice(0, 6);
  return { text: digits === "" ? base : `${base}.${digits}`, nanoseconds };
}

/**
 * Now, as chrono's `Utc::now().naive_utc()` gives it when memflowup writes a `.meta` or the
 * registry stamps an upload: sub-millisecond precision (to the microsecond here: a double holds
 * no more of today's time).
 */
export function createdAtNow(): CreatedAt {
  return createdAtFromNanoseconds(BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n);
}
